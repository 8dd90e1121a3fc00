"""The warehouse operator's pages (issue #10 §7) under /lager/: today's wave, receiving, pick by
scan, hole-cutting, packing with the delivery note and the label, shipping and returned
parcels; and an order's fulfilment timeline for staff (/ordrer/<id>/forloeb/).

Made for a handheld scanner that types a GS1 string and Enter: the scan field has the focus
and submits its form. Large targets; htmx swaps the pick panel in place when JavaScript runs,
plain form posts and redirects when it does not. Warehouse pages show delivery names and
addresses (a protected address as "Beskyttet adresse"; it is printed on the label only), order
numbers and products; never CPR numbers or grants.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.access.forms import PurposeForm
from forsyn.access.purpose import purpose_stated
from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.core.models import JobRun, JobStatus
from forsyn.fulfilment.choices import ParcelStatus
from forsyn.fulfilment.documents import delivery_note_html, label_html, parcel_papers, to_pdf
from forsyn.fulfilment.error_codes import ErrorCode
from forsyn.fulfilment.errors import ReceiptRefused
from forsyn.fulfilment.packing import wave_pack
from forsyn.fulfilment.picking import hole_cut_confirm, pick_line_confirm
from forsyn.fulfilment.selectors import warehouses_list
from forsyn.fulfilment.services import stock_receive
from forsyn.fulfilment.shipping import parcel_return_receive, parcel_ship
from forsyn.fulfilment.wave_forms import (
    CutForm,
    PickForm,
    ReceiveForm,
    ReturnForm,
    WaveStartForm,
)
from forsyn.fulfilment.wave_selectors import (
    order_timeline,
    pick_next,
    returned_parcels,
    wave_get,
    wave_hole_cut_tasks,
    wave_parcels,
    wave_pick_lines,
    waves_recent,
)
from forsyn.fulfilment.waves import WAVE_JOB, default_cutoff, wave_start
from forsyn.orders.models import Order

View = Callable[..., HttpResponse]


def operator_page(view: View) -> View:
    """Logged in, a warehouse operator (or administrator); NotFound is a 404 page and the
    services' PermissionDenied a 403 page."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policy.may_operate_warehouse(context_for_request(request)):
            raise DjangoPermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except PermissionDenied:
            raise DjangoPermissionDenied from None

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _errors_to_form(exc: DomainError, form: Any) -> None:
    for field, err in exc.problems:
        form.add_error(field if field in form.fields else None, err.text())


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- Today's wave -----------------------------------------------------------------------------


@operator_page
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Start today's wave (a job run) and follow the recent waves."""
    warehouses = warehouses_list(ctx=context_for_request(request))
    choices = [(w.code, w.name) for w in warehouses]
    form = WaveStartForm(request.POST or None, warehouses=choices)
    if request.method == "POST" and form.is_valid():
        try:
            run = wave_start(
                ctx=context_for_request(request),
                warehouse_code=form.cleaned_data["warehouse"],
                cutoff=form.cleaned_data["cutoff"],
                queue=True,
            )
        except DomainError as exc:
            _errors_to_form(exc, form)
        else:
            run.refresh_from_db()  # without a broker the run has already run
            if run.status == JobStatus.SUCCEEDED:
                messages.success(request, _("The wave is ready: start picking."))
                return redirect("fulfilment:wave", wave_id=run.result["wave"])
            return redirect("fulfilment:home")
    last_run = (
        JobRun.objects.filter(kind=WAVE_JOB, started_by_id=request.user.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    run_errors = [
        ErrorCode(e["code"]).error().text()
        if e.get("code") in ErrorCode._value2member_map_
        else _("The wave could not be made.")
        for e in (last_run.errors if last_run is not None else [])
    ]
    return render(
        request,
        "fulfilment/home.html",
        {
            "form": form,
            "waves": waves_recent(ctx=context_for_request(request)),
            "last_run": last_run,
            "run_errors": run_errors,
            "default_cutoff": default_cutoff(),
        },
    )


@operator_page
def wave_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """The wave job's status line, polled by htmx while it is queued or running."""
    run = JobRun.objects.filter(pk=run_id, kind=WAVE_JOB, started_by_id=request.user.pk).first()
    if run is None:
        raise Http404
    return render(request, "fulfilment/_wave_run.html", {"last_run": run, "run_errors": []})


@operator_page
def wave(request: HttpRequest, wave_id: int) -> HttpResponse:
    """The pick list in route order, with the way to pick, cut, pack and ship."""
    w = wave_get(ctx=context_for_request(request), wave_id=wave_id)
    return render(request, "fulfilment/wave.html", {"wave": w, "lines": wave_pick_lines(w)})


# -- Receiving --------------------------------------------------------------------------------


@operator_page
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    """One scan and a number of pieces at a time, as goods come off the pallet."""
    warehouses = [(w.code, w.name) for w in warehouses_list(ctx=context_for_request(request))]
    form = ReceiveForm(request.POST or None, warehouses=warehouses)
    if request.method == "POST" and form.is_valid():
        try:
            done = stock_receive(
                ctx=context_for_request(request),
                warehouse_code=form.cleaned_data["warehouse"],
                lines=[(form.cleaned_data["scan"], form.cleaned_data["quantity"])],
            )
        except ReceiptRefused as exc:
            for error in exc.errors:
                form.add_error(error.field, error.message)
        except DomainError as exc:
            _errors_to_form(exc, form)
        else:
            line = done.lines[0]
            messages.success(
                request,
                _("Received %(n)s pieces of GTIN %(gtin)s, lot %(lot)s.")
                % {"n": line.quantity, "gtin": line.gtin, "lot": line.lot},
            )
            return redirect("fulfilment:receive")
    return render(request, "fulfilment/receive.html", {"form": form})


# -- Picking ----------------------------------------------------------------------------------


@operator_page
@require_http_methods(["GET", "POST"])
def pick(request: HttpRequest, wave_id: int) -> HttpResponse:
    """The next line to pick, and the scan field that confirms it."""
    w = wave_get(ctx=context_for_request(request), wave_id=wave_id)
    form = None
    if request.method == "POST":
        form = PickForm(request.POST)
        if form.is_valid():
            try:
                done = pick_line_confirm(
                    ctx=context_for_request(request),
                    pick_line_id=form.cleaned_data["pick_line"],
                    scan=form.cleaned_data["scan"],
                    quantity=form.cleaned_data["quantity"],
                )
            except DomainError as exc:
                _errors_to_form(exc, form)
            else:
                if done.order_status == "back_ordered":
                    messages.warning(
                        request,
                        _(
                            "Order %(order)s is short: put its picked items back on the shelf."
                            " It waits for stock."
                        )
                        % {"order": done.line.order_id},
                    )
                else:
                    messages.success(
                        request,
                        _("Picked %(n)s pieces from lot %(lot)s.")
                        % {"n": done.line.picked_quantity, "lot": done.line.lot.lot_number},
                    )
                form = None
                if not _htmx(request):
                    return redirect("fulfilment:pick", wave_id=w.pk)
    line = pick_next(w)
    if line is not None and (form is None or form.cleaned_data.get("pick_line") != line.pk):
        form = PickForm(initial={"quantity": line.quantity, "pick_line": line.pk})
    left = sum(1 for pl in wave_pick_lines(w) if pl.confirmed_at is None)
    context = {"wave": w, "line": line, "form": form, "left": left}
    template = "fulfilment/_pick.html" if _htmx(request) else "fulfilment/pick.html"
    # htmx swaps only a 2xx answer, so the refused scan's panel comes back as 200 to htmx;
    # a plain form post gets 422.
    refused = form is not None and bool(form.errors)
    return render(request, template, context, status=422 if refused and not _htmx(request) else 200)


# -- Hole-cutting -----------------------------------------------------------------------------


@operator_page
@require_http_methods(["GET", "POST"])
def hole_cutting(request: HttpRequest, wave_id: int) -> HttpResponse:
    w = wave_get(ctx=context_for_request(request), wave_id=wave_id)
    errors: dict[int, str] = {}
    if request.method == "POST":
        task_id = int(request.POST.get("task", "0") or 0)
        form = CutForm(request.POST)
        if form.is_valid():
            try:
                task = hole_cut_confirm(
                    ctx=context_for_request(request),
                    task_id=task_id,
                    pieces=form.cleaned_data["pieces"],
                )
            except DomainError as exc:
                errors[task_id] = " ".join(exc.texts())
            else:
                messages.success(
                    request,
                    _("Cut %(n)s of %(total)s base plates to %(mm)s mm.")
                    % {"n": task.cut_quantity, "total": task.quantity, "mm": task.hole_size_mm},
                )
                return redirect("fulfilment:hole-cutting", wave_id=w.pk)
        else:
            errors[task_id] = " ".join(str(e) for es in form.errors.values() for e in es)
    tasks = [(t, t.quantity - t.cut_quantity) for t in wave_hole_cut_tasks(w)]
    return render(
        request,
        "fulfilment/hole_cutting.html",
        {"wave": w, "tasks": tasks, "errors": errors},
        status=422 if errors else 200,
    )


# -- Packing and shipping ---------------------------------------------------------------------


@operator_page
@require_http_methods(["GET", "POST"])
def pack(request: HttpRequest, wave_id: int) -> HttpResponse:
    """Parcels of the wave: pack a ready one (its SSCC is given), print its delivery note (in
    the parcel) and label (outside)."""
    w = wave_get(ctx=context_for_request(request), wave_id=wave_id)
    if request.method == "POST":
        raw = request.POST.get("parcel", "")
        parcel_ids = [int(raw)] if raw.isdecimal() else None
        result = wave_pack(
            ctx=context_for_request(request),
            wave_id=w.pk,
            parcel_ids=parcel_ids,
        )
        for parcel in result.packed:
            messages.success(
                request,
                _("Parcel %(n)s is packed: SSCC %(sscc)s. Print the delivery note and the label.")
                % {"n": parcel.number, "sscc": parcel.sscc},
            )
        for parcel, error in result.waiting:
            messages.error(request, f"{_('Parcel')} {parcel.number}: {error.text()}")
        return HttpResponseRedirect(reverse("fulfilment:pack", kwargs={"wave_id": w.pk}))
    rows = wave_parcels(ctx=context_for_request(request), wave=w, resource=f"packing: wave {w.pk}")
    return render(request, "fulfilment/pack.html", {"wave": w, "rows": rows})


@operator_page
@require_http_methods(["GET", "POST"])
def ship(request: HttpRequest, wave_id: int) -> HttpResponse:
    w = wave_get(ctx=context_for_request(request), wave_id=wave_id)
    if request.method == "POST":
        raw = request.POST.get("parcel", "")
        if not raw.isdecimal():
            raise Http404
        try:
            parcel = parcel_ship(ctx=context_for_request(request), parcel_id=int(raw))
        except DomainError as exc:
            for text in exc.texts():
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("Parcel %(n)s is sent: tracking number %(tracking)s.")
                % {"n": parcel.number, "tracking": parcel.tracking_number},
            )
        return HttpResponseRedirect(reverse("fulfilment:ship", kwargs={"wave_id": w.pk}))
    rows = [
        r
        for r in wave_parcels(
            ctx=context_for_request(request), wave=w, resource=f"shipping: wave {w.pk}"
        )
        if r.parcel.status != ParcelStatus.PLANNED
    ]
    return render(request, "fulfilment/ship.html", {"wave": w, "rows": rows})


def _papers(request: HttpRequest, parcel_id: int, document: str) -> HttpResponse:
    papers = parcel_papers(ctx=context_for_request(request), parcel_id=parcel_id, document=document)
    html = delivery_note_html(papers) if document == "delivery note" else label_html(papers)
    response = HttpResponse(to_pdf(html), content_type="application/pdf")
    name = "foelgeseddel" if document == "delivery note" else "label"
    response["Content-Disposition"] = f'inline; filename="{name}-{papers.parcel.sscc}.pdf"'
    return response


@operator_page
def delivery_note(request: HttpRequest, parcel_id: int) -> HttpResponse:
    return _papers(request, parcel_id, "delivery note")


@operator_page
def label(request: HttpRequest, parcel_id: int) -> HttpResponse:
    return _papers(request, parcel_id, "label")


@operator_page
@require_http_methods(["GET", "POST"])
def returns(request: HttpRequest) -> HttpResponse:
    """Parcels the carrier brought back: receive each back to stock or to quarantine."""
    if request.method == "POST":
        raw = request.POST.get("parcel", "")
        form = ReturnForm(request.POST)
        if not raw.isdecimal():
            raise Http404
        if form.is_valid():
            try:
                parcel = parcel_return_receive(
                    ctx=context_for_request(request),
                    parcel_id=int(raw),
                    disposition=form.cleaned_data["disposition"],
                )
            except DomainError as exc:
                for text in exc.texts():
                    messages.error(request, text)
            else:
                messages.success(
                    request,
                    _("Parcel %(sscc)s is received back: %(where)s.")
                    % {"sscc": parcel.sscc, "where": parcel.get_return_disposition_display()},
                )
        return redirect("fulfilment:returns")
    parcels = returned_parcels(ctx=context_for_request(request), resource="returned parcels")
    return render(request, "fulfilment/returns.html", {"parcels": parcels, "form": ReturnForm()})


# -- An order's fulfilment timeline (staff) ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def timeline(request: HttpRequest, order_id: int) -> HttpResponse:
    """Status changes and parcel events of one order, for staff who may see the order
    (the policy; logged). Service-centre staff state a purpose first."""
    if policy.is_portal_user(context_for_request(request)):
        raise DjangoPermissionDenied
    citizen_id = Order.objects.filter(pk=order_id).values_list("citizen_id", flat=True).first()
    purpose = purpose_stated(request, citizen_id) if citizen_id else None
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return render(request, "fulfilment/purpose.html", {"form": form})
        return redirect(request.path)
    if citizen_id and policy.needs_purpose(context_for_request(request)) and not purpose:
        return render(request, "fulfilment/purpose.html", {"form": PurposeForm()})
    try:
        order, parcels, entries = order_timeline(
            ctx=context_for_request(request).with_purpose(purpose),
            order_id=order_id,
            resource=f"fulfilment timeline: order {order_id}",
        )
    except (NotFound, DomainError):
        raise Http404 from None
    return render(
        request,
        "fulfilment/timeline.html",
        {"order": order, "parcels": parcels, "entries": entries},
    )
