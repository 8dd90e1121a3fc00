"""The citizen portal (citizens and representatives logged in through NemLog-in) and ordering on
a citizen's behalf (service agents, nurses); the caseworker's approval queue."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forsyn.access import policy
from forsyn.access.context import AccessContext, context_for_request
from forsyn.access.forms import PurposeForm
from forsyn.access.purpose import purpose_form_page, purpose_stated
from forsyn.catalogue.models import Product
from forsyn.citizens.models import Citizen
from forsyn.citizens.selectors import log_citizens_listed
from forsyn.core.errors import DomainError, FieldError, NotFound
from forsyn.orders import rules
from forsyn.orders.choices import OrderStatus
from forsyn.orders.forms import WARD_ROWS, DecisionForm, DeliveryForm, WardLineForm
from forsyn.orders.selectors import (
    approvals,
    my_products,
    order_get,
    order_queryset,
    orders_for_citizen,
)
from forsyn.orders.services import (
    DeliveryInput,
    LineInput,
    check_delivery,
    order_cancel,
    order_decide,
    order_place,
    ward_order_place,
)
from forsyn.saml.decorators import portal_login_required

MAX_UNITS = 99


def _citizen_context(request: HttpRequest, citizen_id: int) -> AccessContext:
    """The request's context with the purpose stated for this citizen (staff of the service
    centre state one; it is kept in the session, never in a URL)."""
    return context_for_request(request).with_purpose(purpose_stated(request, citizen_id))


def portal_home(request: HttpRequest) -> HttpResponse:
    """Log in with MitID, or go to the (only) citizen you act for, or choose one."""
    ctx = context_for_request(request)
    if not ctx.is_authenticated:
        return render(request, "orders/portal_login.html")
    if not policy.is_portal_user(ctx):
        return redirect("home")
    citizens = list(policy.citizens_visible(ctx, Citizen.objects.all()).order_by("pk"))
    if len(citizens) == 1:
        return redirect("portal:products", citizen_id=citizens[0].pk)
    log_citizens_listed(ctx=ctx, citizens=citizens, resource="portal: choose a citizen")
    return render(request, "orders/portal_choose.html", {"citizens": citizens})


def _context(request: HttpRequest, citizen_id: int) -> dict[str, Any]:
    ctx = _citizen_context(request, citizen_id)
    if not policy.may_order_for(ctx):
        raise PermissionDenied
    try:
        citizen, products, notices = my_products(ctx=ctx, citizen_id=citizen_id)
    except NotFound:
        raise Http404 from None
    return {
        "citizen": citizen,
        "products": products,
        "notices": notices,
        "purpose": purpose_stated(request, citizen_id) or "",
        "first_delivery": rules.first_delivery_date(timezone.localtime()),
    }


@portal_login_required
def products(request: HttpRequest, citizen_id: int) -> HttpResponse:
    if request.method == "POST":
        # The purpose form posts here; the purpose is kept in the session (never in a URL).
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return purpose_form_page(request, form)
        purpose_stated(request, citizen_id)
        return redirect("portal:products", citizen_id=citizen_id)
    if policy.needs_purpose(context_for_request(request)) and not purpose_stated(
        request, citizen_id
    ):
        return purpose_form_page(request)
    try:
        context = _context(request, citizen_id)
    except DomainError:
        raise Http404 from None
    context["delivery_form"] = DeliveryForm()
    return render(request, "orders/products.html", context)


def _requested_lines(
    request: HttpRequest, products: list[Any]
) -> tuple[list[LineInput], list[str]]:
    lines: list[LineInput] = []
    errors: list[str] = []
    for item in products:
        raw = request.POST.get(f"units-{item.product.gtin}", "").strip()
        if not raw or raw == "0":
            continue
        if not (raw.isdecimal() and len(raw) <= 3) or not 0 < int(raw) <= MAX_UNITS:
            errors.append(
                _("%(name)s: give a whole number of packs from 0 to %(max)s.")
                % {"name": item.product.name, "max": MAX_UNITS}
            )
            continue
        lines.append(LineInput(item.product.gtin, int(raw)))
    if not lines and not errors:
        errors.append(_("Choose how many packs you want of at least one product."))
    return lines, errors


def _delivery(form: DeliveryForm) -> DeliveryInput:
    d = form.cleaned_data
    return DeliveryInput(
        type=d["delivery_type"],
        name=d["name"],
        street=d["street"],
        postcode=d["postcode"],
        city=d["city"],
        parcel_locker=d["parcel_locker"],
    )


@portal_login_required
@require_POST
def confirm(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """Step 2: show what will be ordered; the final POST carries an idempotency key so a double
    click or a resubmitted form never makes a second order."""
    try:
        context = _context(request, citizen_id)
    except DomainError:
        raise Http404 from None
    form = DeliveryForm(request.POST)
    lines, errors = _requested_lines(request, context["products"])
    by_gtin = {p.product.gtin: p for p in context["products"]}
    if form.is_valid():
        delivery = _delivery(form)
        delivery_errors: dict[str, FieldError] = {}
        check_delivery(delivery, delivery_errors)
        for key, err in delivery_errors.items():
            field = key.removeprefix("delivery.")
            form.add_error(field if field in form.fields else None, err.text())
    if errors or not form.is_valid():
        for item in context["products"]:
            item.posted_units = request.POST.get(f"units-{item.product.gtin}", "")[:3]
        context.update(delivery_form=form, errors=errors)
        return render(request, "orders/products.html", context, status=422)
    summary = []
    for line in lines:
        item = by_gtin[line.gtin]
        pieces = line.order_units * item.product.pieces_per_unit
        summary.append(
            {
                "item": item,
                "units": line.order_units,
                "pieces": pieces,
                "over": pieces > item.remaining_pieces,
            }
        )
    context.update(
        summary=summary,
        delivery=_delivery(form),
        delivery_form=form,
        idempotency_key=secrets.token_urlsafe(16),
    )
    return render(request, "orders/confirm.html", context)


@portal_login_required
@require_POST
def place(request: HttpRequest, citizen_id: int) -> HttpResponse:
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return redirect("portal:products", citizen_id=citizen_id)
    lines = [
        LineInput(gtin, int(units))
        for gtin, units in zip(
            request.POST.getlist("gtin"), request.POST.getlist("units"), strict=False
        )
        if units.isdecimal() and len(units) <= 3 and 0 < int(units) <= MAX_UNITS
    ]
    try:
        order, _ = order_place(
            ctx=_citizen_context(request, citizen_id),
            citizen_id=citizen_id,
            lines=lines,
            delivery=_delivery(form),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        for text in exc.texts():
            messages.error(request, text)
        return redirect("portal:products", citizen_id=citizen_id)
    return redirect("portal:receipt", citizen_id=citizen_id, order_id=order.pk)


@portal_login_required
def receipt(request: HttpRequest, citizen_id: int, order_id: int) -> HttpResponse:
    ctx = _citizen_context(request, citizen_id)
    if policy.needs_purpose(ctx) and not ctx.purpose:
        return purpose_form_page(request)
    try:
        order = order_get(
            ctx=ctx,
            order_id=order_id,
            resource=f"receipt page: order {order_id}",
            citizen_id=citizen_id,
        )
    except (NotFound, DomainError):
        raise Http404 from None
    return render(
        request,
        "orders/receipt.html",
        {"order": order, "citizen": order.citizen},
    )


@portal_login_required
def history(request: HttpRequest, citizen_id: int) -> HttpResponse:
    try:
        orders = orders_for_citizen(
            ctx=_citizen_context(request, citizen_id), citizen_id=citizen_id
        )
    except (NotFound, DomainError):
        raise Http404 from None
    citizen = orders[0].citizen if orders else Citizen.objects.get(pk=citizen_id)
    return render(
        request,
        "orders/history.html",
        {
            "orders": orders,
            "citizen": citizen,
            "purpose": purpose_stated(request, citizen_id) or "",
        },
    )


@portal_login_required
@require_POST
def cancel(request: HttpRequest, citizen_id: int, order_id: int) -> HttpResponse:
    try:
        order_cancel(ctx=_citizen_context(request, citizen_id), order_id=order_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        for text in exc.texts():
            messages.error(request, text)
    else:
        messages.success(request, _("The order was cancelled."))
    return redirect("portal:history", citizen_id=citizen_id)


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    ctx = context_for_request(request)
    if not policy.may_decide_orders(ctx):
        raise PermissionDenied
    orders = approvals(ctx=ctx, resource="approval queue")
    return render(request, "orders/approvals.html", {"orders": orders, "form": DecisionForm()})


@login_required
@require_POST
def decide(request: HttpRequest, order_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    partial = request.headers.get("HX-Request") == "true"  # htmx: answer with the card only
    approve = form.data.get("decision") == "approve"
    error = ""
    if not form.is_valid():
        # A message over 2,000 characters or a forged decision: said, not silently dropped.
        error = " ".join(
            f"{form.fields[name].label}: {e}" for name, es in form.errors.items() for e in es
        )
    else:
        try:
            order_decide(
                ctx=context_for_request(request),
                order_id=order_id,
                approve=approve,
                message=form.cleaned_data["message"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            error = " ".join(exc.texts())
    if error:
        if partial:
            held = approvals(
                ctx=context_for_request(request),
                resource=f"approval queue: order {order_id}",
                order_id=order_id,
            )
            if not held:
                raise Http404 from None
            order = held[0]
            return render(request, "orders/_approval.html", {"order": order, "error": error})
        messages.error(request, f"{_('Order')} {order_id}: {error}")
    else:
        done = (_("Order %(id)s approved.") if approve else _("Order %(id)s rejected.")) % {
            "id": order_id
        }
        if partial:
            return render(request, "orders/_decided.html", {"order_id": order_id, "message": done})
        messages.success(request, done)
    return HttpResponseRedirect(reverse("approvals"))


def _ward_product_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active products grouped by product area, for the ward stock form."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = (
        Product.objects.filter(status="active")
        .select_related("category__product_area")
        .order_by("category__product_area__code", "name", "gtin")
    )
    for p in rows:
        pa = p.category.product_area
        area = pa.name_en if get_language() == "en" else pa.name_da
        groups.setdefault(area, []).append(
            (
                p.gtin,
                _("%(name)s (%(n)s pieces per pack, GTIN %(gtin)s)")
                % {"name": p.name, "n": p.pieces_per_unit, "gtin": p.gtin},
            )
        )
    return list(groups.items())


@login_required
def ward_order(request: HttpRequest) -> HttpResponse:
    """A hospital unit's ward stock: bulk, no citizen, no grant; the unit pays."""
    ctx = context_for_request(request)
    if not policy.may_order_ward_stock(ctx):
        raise PermissionDenied
    choices = _ward_product_choices()
    data = request.POST if request.method == "POST" else None
    rows = [WardLineForm(data, prefix=f"r{i}", product_choices=choices) for i in range(WARD_ROWS)]
    key = (data.get("idempotency_key") if data is not None else "") or secrets.token_urlsafe(16)
    errors: list[str] = []
    if data is not None and all(r.is_valid() for r in rows):
        lines = [
            LineInput(r.cleaned_data["product"], r.cleaned_data["order_units"])
            for r in rows
            if r.cleaned_data.get("product")
        ]
        try:
            order, created = ward_order_place(ctx=ctx, lines=lines, idempotency_key=key)
        except DomainError as exc:
            errors = exc.texts()
        else:
            if created and order.status == OrderStatus.AWAITING_APPROVAL:
                messages.warning(
                    request,
                    _("Ward order %(id)s is large: it waits for a colleague's approval.")
                    % {"id": order.pk},
                )
            elif created:
                messages.success(request, _("Ward order %(id)s is placed.") % {"id": order.pk})
            return HttpResponseRedirect(reverse("ward-order"))
    recent = (
        order_queryset(ctx=ctx)
        .filter(kind="ward", ordering_organisation_id=ctx.organisation_id)
        .order_by("-placed_at", "-pk")[:10]
    )
    return render(
        request,
        "orders/ward_order.html",
        {
            "rows": rows,
            "idempotency_key": key,
            "errors": errors,
            "row_errors": any(r.errors for r in rows) if data is not None else False,
            "recent": recent,
        },
        status=422 if data is not None else 200,
    )
