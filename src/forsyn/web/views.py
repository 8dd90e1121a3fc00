"""Staff pages. Each view validates input, calls one service or selector, and renders."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.purpose import purpose_remember, purpose_stated
from forsyn.audit.selectors import access_log_for_citizen
from forsyn.catalogue.selectors import product_list
from forsyn.citizens.error_codes import ErrorCode as CitizenError
from forsyn.citizens.selectors import access_citizen, citizen_search, log_citizens_listed
from forsyn.core.dates import today
from forsyn.core.errors import DomainError, NotFound
from forsyn.fulfilment.pauses import current_pause, pause_notes
from forsyn.grants.models import Grant
from forsyn.grants.selectors import grant_get, grant_history, grants_for_citizen
from forsyn.grants.services import (
    GrantLineInput,
    grant_create,
    grant_status_change,
    grant_update,
)
from forsyn.orders.selectors import order_queryset
from forsyn.web.forms import (
    CitizenSearchForm,
    GrantForm,
    GrantLineFormSet,
    GrantStatusForm,
    PurposeForm,
)

LINE_FIELD_NAMES = {"gtin": "product"}


def _staff_organisation(request: HttpRequest) -> Any:
    """The logged-in staff user's organisation (views below require a login)."""
    return getattr(request.user, "organisation", None)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if policy.is_portal_user(request.user):
        return redirect("portal:home")
    if policy.sees_personal_data(request.user):
        return redirect("citizen-search")
    if policy.may_use_economics(request.user):
        return redirect("economics:index")
    if policy.may_operate_warehouse(request.user):
        return redirect("stock:home")
    return redirect("product-list")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def _purpose_or_form(
    request: HttpRequest, citizen_id: int
) -> tuple[str | None, HttpResponse | None]:
    """The purpose stated for this citizen (posted now or kept in the session), or the page
    asking for one. A posted purpose is answered with a redirect to the same page, so the
    purpose never sits in a URL and a reload does not post again."""
    purpose = purpose_stated(request, citizen_id)
    if request.method == "POST" and "purpose" in request.POST:
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return None, render(request, "web/purpose.html", {"form": form})
        return purpose, redirect(request.path)
    if policy.needs_purpose(request.user) and not purpose:
        return None, render(request, "web/purpose.html", {"form": PurposeForm()})
    return purpose, None


@login_required
def citizen_search_view(request: HttpRequest) -> HttpResponse:
    """The search posts (CPR numbers and names stay out of URLs and access logs); further
    pages are POST buttons carrying the same fields (docs/adr/0013)."""
    if not policy.sees_personal_data(request.user):
        raise PermissionDenied
    form = CitizenSearchForm(
        request.POST if request.method == "POST" else None,
        purpose_required=policy.needs_purpose(request.user),
    )
    context: dict[str, Any] = {"form": form, "needs_purpose": policy.needs_purpose(request.user)}
    if form.is_bound and form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["cpr"]):
        data = form.cleaned_data
        try:
            qs = citizen_search(user=request.user, cpr=data["cpr"] or None, q=data["q"] or None)
            page = Paginator(qs, 25).get_page(request.POST.get("page"))
            listed = list(page.object_list)
            log_citizens_listed(
                user=request.user,
                citizens=listed,
                purpose=data["purpose"] or None,
                channel="page",
                resource="citizen search",
            )
        except ValueError:
            form.add_error("cpr", CitizenError.CPR_INVALID.error().text())
        except DomainError as exc:
            for field, err in exc.problems:
                form.add_error(field if field in form.fields else None, err.text())
        else:
            # The purpose stated for the search covers opening the citizens it listed.
            purpose_remember(
                request, citizen_ids=[c.pk for c in listed], purpose=data["purpose"] or ""
            )
            context.update(page=page, full_cpr=policy.shows_full_cpr(request.user))
    return render(request, "web/citizen_search.html", context)


@login_required
def citizen_detail_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    if not policy.sees_personal_data(request.user):
        raise PermissionDenied
    purpose, answer = _purpose_or_form(request, citizen_id)
    if answer is not None:
        return answer
    try:
        grants = grants_for_citizen(
            user=request.user,
            citizen_id=citizen_id,
            purpose=purpose,
            channel="page",
            resource="citizen page",
        )
    except NotFound:
        raise Http404 from None
    citizen = access_citizen_cached(request, citizen_id)
    # The grants selector above logged this page's read of the citizen; the orders are part of
    # the same page (same policy), so no second entry (docs/adr/0016).
    orders = list(order_queryset(user=request.user).filter(citizen_id=citizen_id))
    notes = pause_notes(order_ids=[o.pk for o in orders])
    for order in orders:
        setattr(order, "pause_note", notes.get(order.pk))  # noqa: B010 - not a model field
    return render(
        request,
        "web/citizen_detail.html",
        {
            "citizen": citizen,
            "grants": grants,
            "orders": orders,
            # Why waiting orders are not allocated: a delivery pause (issue #10 §3).
            "pause": current_pause(citizen_id=citizen_id),
            "may_pause": policy.may_pause_deliveries(request.user),
            "full_cpr": policy.shows_full_cpr(request.user),
            "may_write": policy.may_write_grant(
                request.user, granting_organisation=_staff_organisation(request)
            ),
            "may_see_log": policy.may_view_access_log(request.user, citizen),
            "may_order": policy.may_order_for(request.user),
        },
    )


def access_citizen_cached(request: HttpRequest, citizen_id: int) -> Any:
    """The citizen row for a page whose read was already logged by the grants selector."""
    from forsyn.citizens.selectors import citizen_queryset

    citizen = citizen_queryset(user=request.user).filter(pk=citizen_id).first()
    if citizen is None:
        raise Http404
    return citizen


@login_required
def citizen_access_log_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    purpose, answer = _purpose_or_form(request, citizen_id)
    if answer is not None:
        return answer
    try:
        citizen = access_citizen(
            user=request.user,
            citizen_id=citizen_id,
            purpose=purpose,
            channel="page",
            resource="access log page",
        )
    except NotFound:
        raise Http404 from None
    except DomainError:
        return render(request, "web/purpose.html", {"form": PurposeForm()})
    if not policy.may_view_access_log(request.user, citizen):
        raise Http404
    page = Paginator(access_log_for_citizen(citizen_id=citizen.pk), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "web/access_log.html", {"citizen": citizen, "page": page})


def _apply_errors(exc: DomainError, form: GrantForm, lines: Any, forms_by_index: list[int]) -> None:
    for key, err in exc.problems:
        msg = err.text()
        if key.startswith("lines["):
            index_text, _, field = key[len("lines[") :].partition("]")
            field = LINE_FIELD_NAMES.get(field.lstrip("."), field.lstrip("."))
            idx = int(index_text)
            target = lines.forms[forms_by_index[idx]] if idx < len(forms_by_index) else None
            if target is not None:
                target.add_error(field if field in target.fields else None, msg)
                continue
        if key in form.fields:
            form.add_error(key, msg)
        else:
            form.add_error(None, msg)


def _line_inputs(lines: Any) -> tuple[list[GrantLineInput], list[int]]:
    inputs: list[GrantLineInput] = []
    index: list[int] = []
    for i, line_form in enumerate(lines.forms):
        data = line_form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not data.get("product") and not data.get("category") and not data.get("line_id"):
            continue  # an empty extra row
        inputs.append(
            GrantLineInput(
                id=data.get("line_id"),
                gtin=data["product"].gtin if data.get("product") else None,
                category=data["category"].code if data.get("category") else None,
                pieces_per_month=data.get("pieces_per_month") or 0,
                hole_size_mm=data.get("hole_size_mm"),
                free_choice=bool(data.get("free_choice")),
                free_choice_product=data.get("free_choice_product") or "",
                free_choice_price_difference=data.get("free_choice_price_difference"),
            )
        )
        index.append(i)
    return inputs, index


@login_required
def grant_create_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    try:
        citizen = access_citizen(
            user=request.user,
            citizen_id=citizen_id,
            purpose=None,
            channel="page",
            resource="new grant page",
        )
    except (NotFound, DomainError):
        raise Http404 from None
    if not policy.may_write_grant(request.user, granting_organisation=_staff_organisation(request)):
        raise PermissionDenied
    initial = {
        "valid_from": today(),
        "legal_basis": "sel_112"
        if getattr(_staff_organisation(request), "kind", "") == "municipality"
        else "hospital_temporary",
    }
    form = GrantForm(request.POST or None, initial=initial)
    lines = GrantLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        inputs, index = _line_inputs(lines)
        data = form.cleaned_data
        try:
            grant = grant_create(
                actor=request.user,
                citizen_id=citizen.pk,
                product_area_code=data["product_area"].code,
                legal_basis=data["legal_basis"],
                status=data["status"],
                case_number=data["case_number"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                follow_up_on=data["follow_up_on"],
                note=data["note"],
                lines=inputs,
            )
        except DomainError as exc:
            _apply_errors(exc, form, lines, index)
        else:
            messages.success(request, _("The grant was created."))
            return redirect("grant-detail", grant_id=grant.pk)
    return render(
        request,
        "web/grant_form.html",
        {"citizen": citizen, "form": form, "lines": lines, "creating": True},
    )


def _grant_or_404(request: HttpRequest, grant_id: int) -> Any:
    # Only to find the purpose kept for the grant's citizen; grant_get applies the policy.
    citizen_id = Grant.objects.filter(pk=grant_id).values_list("citizen_id", flat=True).first()
    try:
        return grant_get(
            user=request.user,
            grant_id=grant_id,
            purpose=purpose_stated(request, citizen_id) if citizen_id else None,
            channel="page",
            resource="grant page",
        )
    except (NotFound, DomainError):
        raise Http404 from None


@login_required
def grant_detail_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _grant_or_404(request, grant_id)
    return render(
        request,
        "web/grant_detail.html",
        {
            "grant": grant,
            "history": grant_history(grant=grant),
            "may_write": policy.may_write_grant(
                request.user, granting_organisation=grant.granting_organisation
            )
            and grant.status != "ended",
            "status_form": GrantStatusForm(initial={"status": grant.status}),
            "full_cpr": policy.shows_full_cpr(request.user),
        },
    )


@login_required
def grant_edit_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _grant_or_404(request, grant_id)
    if not policy.may_write_grant(request.user, granting_organisation=grant.granting_organisation):
        raise Http404
    initial = {
        "case_number": grant.case_number,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
        "follow_up_on": grant.follow_up_on,
        "note": grant.note,
    }
    line_initial = [
        {
            "line_id": line.pk,
            "product": line.product,
            "category": line.category,
            "pieces_per_month": line.pieces_per_month,
            "hole_size_mm": line.hole_size_mm,
            "free_choice": line.free_choice,
            "free_choice_product": line.free_choice_product,
            "free_choice_price_difference": line.free_choice_price_difference,
        }
        for line in grant.active_lines
    ]
    form = GrantForm(request.POST or None, initial=initial, editing=True)
    lines = GrantLineFormSet(request.POST or None, initial=line_initial, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        inputs, index = _line_inputs(lines)
        data = form.cleaned_data
        try:
            grant_update(
                actor=request.user,
                grant_id=grant.pk,
                case_number=data["case_number"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                follow_up_on=data["follow_up_on"],
                note=data["note"],
                lines=inputs,
            )
        except DomainError as exc:
            _apply_errors(exc, form, lines, index)
        else:
            messages.success(request, _("The grant was saved."))
            return redirect("grant-detail", grant_id=grant.pk)
    return render(
        request,
        "web/grant_form.html",
        {"citizen": grant.citizen, "grant": grant, "form": form, "lines": lines, "creating": False},
    )


@login_required
def grant_status_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _grant_or_404(request, grant_id)
    form = GrantStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant_status_change(
                actor=request.user,
                grant_id=grant.pk,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["status_reason"],
            )
        except DomainError as exc:
            for key, err in exc.problems:
                form.add_error(key if key in form.fields else None, err.text())
        else:
            messages.success(request, _("The grant's status was changed."))
            return redirect("grant-detail", grant_id=grant.pk)
    return render(request, "web/grant_status.html", {"grant": grant, "form": form})


@login_required
def product_list_view(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:100]
    area = (request.GET.get("area") or "")[:40]
    qs = product_list(user=request.user, area=area or None, q=q or None).select_related(
        "supplier", "successor"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/product_list.html", {"page": page, "q": q, "area": area})
