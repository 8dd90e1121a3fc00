"""Warehouse operator pages for stock (issue #10 §7): receive (with an advance shipping notice's
check), notices, stock with expiry warnings, counts, recalls and replenishment; and the staff
page of a citizen's delivery pauses. DKFDS, Danish, large targets; a handheld scanner types a
GS1 string into the focused scan field and presses Enter, which submits the form. Each view
checks the form, calls one service or selector and renders."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.context import AccessContext, Channel, context_for_request
from forsyn.access.purpose import purpose_stated
from forsyn.audit.choices import AccessAction
from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.fulfilment.asn import asn_check, asn_import, asn_list, asn_receive
from forsyn.fulfilment.choices import AdjustmentReason
from forsyn.fulfilment.counts import (
    count_get,
    counts_list,
    stock_count_cancel,
    stock_count_post,
    stock_count_record,
    stock_count_start,
)
from forsyn.fulfilment.errors import ReceiptRefused
from forsyn.fulfilment.expiry import stock_page
from forsyn.fulfilment.exports import to_csv, to_xlsx
from forsyn.fulfilment.forms_stock import (
    CountRecordForm,
    CountStartForm,
    NoticeImportForm,
    PauseForm,
    RecallForm,
    ReceiveForm,
    StockFilterForm,
)
from forsyn.fulfilment.pauses import citizen_pauses, delivery_pause_end, delivery_pause_start
from forsyn.fulfilment.recalls import (
    recall_create,
    recall_get,
    recall_letter_table,
    recall_replacement_place,
    recall_replacements_place,
    recalls_list,
)
from forsyn.fulfilment.replenishment import call_off_table, replenishment
from forsyn.fulfilment.selectors import warehouses_list
from forsyn.fulfilment.services import stock_receive

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request: HttpRequest, rule: Callable[[AccessContext], bool]) -> None:
    if not rule(context_for_request(request)):
        raise DjangoPermissionDenied


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _page_number(request: HttpRequest) -> int:
    return max(_int(request.GET.get("side")) or 1, 1)


def _warehouse_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [(w.code, w.name) for w in warehouses_list(ctx=context_for_request(request))]


def _form_errors(form: Any, exc: DomainError) -> None:
    for field, err in exc.problems:
        name = field if field in form.fields else None
        form.add_error(name, err.text())


def _download(data: bytes, name: str, kind: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type=XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not (
        policy.may_operate_warehouse(context_for_request(request))
        or policy.may_handle_recalls(context_for_request(request))
    ):
        raise DjangoPermissionDenied
    return render(
        request,
        "fulfilment/stock_home.html",
        {"operator": policy.may_operate_warehouse(context_for_request(request))},
    )


# -- Receiving with an advance shipping notice -----------------------------------------------


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    choices = _warehouse_choices(request)
    notice_id = _int(request.GET.get("advis"))
    try:
        check = (
            asn_check(ctx=context_for_request(request), notice_id=notice_id) if notice_id else None
        )
    except NotFound:
        raise Http404 from None
    form = ReceiveForm(
        request.POST if request.method == "POST" else None,
        warehouses=choices,
        initial={"warehouse": check.notice.warehouse.code if check else None},
    )
    if check is not None:
        form.fields["warehouse"].required = False
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            lines = [(form.cleaned_data["scan"], form.cleaned_data["quantity"])]
            try:
                if check is not None:
                    done = asn_receive(
                        ctx=context_for_request(request), notice_id=check.notice.pk, lines=lines
                    )
                else:
                    done = stock_receive(
                        ctx=context_for_request(request),
                        warehouse_code=form.cleaned_data["warehouse"],
                        lines=lines,
                    )
            except ReceiptRefused as exc:
                for e in exc.errors:
                    form.add_error(e.field if e.field in form.fields else None, e.message)
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                line = done.lines[0]
                messages.success(
                    request,
                    _("Received %(n)s pieces of GTIN %(gtin)s, lot %(lot)s, expiry %(expiry)s.")
                    % {
                        "n": line.quantity,
                        "gtin": line.gtin,
                        "lot": line.lot,
                        "expiry": line.expiry.strftime("%d-%m-%Y"),
                    },
                )
                return redirect(request.get_full_path())
    notices, _count = asn_list(ctx=context_for_request(request), limit=20)
    return render(
        request,
        "fulfilment/stock_receive.html",
        {"form": form, "check": check, "notices": notices},
        status=status,
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    form = NoticeImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        warehouses=_warehouse_choices(request),
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                notice = asn_import(
                    ctx=context_for_request(request),
                    warehouse_code=form.cleaned_data["warehouse"],
                    reference=form.cleaned_data["reference"],
                    file_name=upload.name,
                    data=upload.read(),
                )
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, _("The notice %(ref)s is imported.") % {"ref": notice.reference}
                )
                return redirect("stock:notice", notice_id=notice.pk)
    page_no = _page_number(request)
    items, count = asn_list(
        ctx=context_for_request(request),
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "fulfilment/stock_notices.html",
        {"form": form, "items": items, **_pager(page_no, count)},
        status=status,
    )


@login_required
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    try:
        check = asn_check(ctx=context_for_request(request), notice_id=notice_id)
    except NotFound:
        raise Http404 from None
    return render(request, "fulfilment/stock_notice.html", {"check": check})


def _pager(page_no: int, count: int) -> dict[str, Any]:
    last = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return {
        "count": count,
        "page_no": page_no,
        "last_page": last,
        "previous_page": page_no - 1 if page_no > 1 else None,
        "next_page": page_no + 1 if page_no < last else None,
    }


# -- Stock with expiry warnings ---------------------------------------------------------------


@login_required
def stock(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    form = StockFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    expiry = data.get("expiry") or ""
    page_no = _page_number(request)
    rows, count = stock_page(
        ctx=context_for_request(request),
        gtin=data.get("gtin") or "",
        expired=expiry == "expired",
        within_days=int(expiry) if expiry.isdigit() else None,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    query = "&".join(f"{k}={v}" for k, v in (("gtin", data.get("gtin")), ("expiry", expiry)) if v)
    return render(
        request,
        "fulfilment/stock_lots.html",
        {"form": form, "rows": rows, "query": query, **_pager(page_no, count)},
    )


# -- Counts ------------------------------------------------------------------------------------


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    form = CountStartForm(
        request.POST if request.method == "POST" else None,
        warehouses=_warehouse_choices(request),
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                count = stock_count_start(
                    ctx=context_for_request(request),
                    warehouse_code=form.cleaned_data["warehouse"],
                    location_code=form.cleaned_data["location"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return redirect("stock:count", count_id=count.pk)
    page_no = _page_number(request)
    items, total = counts_list(
        ctx=context_for_request(request),
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "fulfilment/stock_counts.html",
        {"form": form, "items": items, **_pager(page_no, total)},
        status=status,
    )


@login_required
def count(request: HttpRequest, count_id: int) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CountRecordForm(request.POST if action == "scan" else None)
    errors: list[str] = []
    status = 200
    try:
        if action == "scan":
            status = 422
            if form.is_valid():
                stock_count_record(
                    ctx=context_for_request(request),
                    count_id=count_id,
                    scan=form.cleaned_data["scan"],
                    quantity=form.cleaned_data["quantity"],
                )
                return redirect("stock:count", count_id=count_id)
        elif action == "lot":
            quantity = _int(request.POST.get("quantity"))
            stock_count_record(
                ctx=context_for_request(request),
                count_id=count_id,
                lot_id=_int(request.POST.get("lot")),
                quantity=-1 if quantity is None else quantity,
            )
            return redirect("stock:count", count_id=count_id)
        elif action == "post":
            done = stock_count_post(
                ctx=context_for_request(request),
                count_id=count_id,
                reasons=_reasons(request),
            )
            messages.success(
                request,
                _("The count is posted: %(n)s adjustments.") % {"n": done.adjustments},
            )
            return redirect("stock:count", count_id=count_id)
        elif action == "cancel":
            stock_count_cancel(ctx=context_for_request(request), count_id=count_id)
            messages.success(request, _("The count is cancelled."))
            return redirect("stock:counts")
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        status = 422
        if action == "scan":
            _form_errors(form, exc)
        else:
            errors = exc.texts()
    try:
        view = count_get(ctx=context_for_request(request), count_id=count_id)
    except NotFound:
        raise Http404 from None
    if action == "post":  # a refused posting shows the reasons as they were chosen
        for line in view.lines:
            line.reason = request.POST.get(f"reason-{line.pk}", line.reason)
            line.note = request.POST.get(f"note-{line.pk}", line.note)[:200]
    return render(
        request,
        "fulfilment/stock_count.html",
        {"view": view, "form": form, "errors": errors, "reasons": AdjustmentReason.choices},
        status=status,
    )


def _reasons(request: HttpRequest) -> dict[int, tuple[str, str]]:
    """The reason and note chosen per count line (`reason-<id>`, `note-<id>`)."""
    reasons = {}
    for key in request.POST:
        line = key.removeprefix("reason-")
        if key.startswith("reason-") and line.isdigit():
            reasons[int(line)] = (
                request.POST.get(key, ""),
                request.POST.get(f"note-{line}", ""),
            )
    return reasons


# -- Recalls ------------------------------------------------------------------------------------


@login_required
def recalls(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_handle_recalls)
    form = RecallForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                recall = recall_create(
                    ctx=context_for_request(request),
                    gtin=form.cleaned_data["gtin"],
                    lots=form.lot_numbers(),
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied:
                raise DjangoPermissionDenied from None
            except DomainError as exc:
                for field, err in exc.problems:
                    name = field.split("[", 1)[0]
                    form.add_error(name if name in form.fields else None, err.text())
            else:
                messages.success(
                    request, _("Recall %(id)s: the lots are blocked.") % {"id": recall.pk}
                )
                return redirect("stock:recall", recall_id=recall.pk)
    page_no = _page_number(request)
    items, total = recalls_list(
        ctx=context_for_request(request),
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "fulfilment/stock_recalls.html",
        {
            "form": form,
            "items": items,
            "recall_only": not policy.may_operate_warehouse(context_for_request(request)),
            **_pager(page_no, total),
        },
        status=status,
    )


@login_required
def recall(request: HttpRequest, recall_id: int) -> HttpResponse:
    _allowed(request, policy.may_handle_recalls)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "replace_all":
                placed = recall_replacements_place(
                    ctx=context_for_request(request), recall_id=recall_id
                )
                messages.success(
                    request, _("%(n)s replacement orders are placed.") % {"n": len(placed)}
                )
            else:
                order = recall_replacement_place(
                    ctx=context_for_request(request),
                    recipient_id=_int(request.POST.get("recipient")) or 0,
                )
                messages.success(
                    request, _("Replacement order %(id)s is placed.") % {"id": order.pk}
                )
            return redirect("stock:recall", recall_id=recall_id)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            errors, status = exc.texts(), 422
    kind = request.GET.get("format", "")
    exported = kind in ("csv", "xlsx")
    ctx = context_for_request(request)
    try:
        view = recall_get(
            ctx=ctx.with_channel(Channel.EXPORT) if exported else ctx,
            recall_id=recall_id,
            action=AccessAction.EXPORT if exported else AccessAction.VIEW,
        )
    except NotFound:
        raise Http404 from None
    if kind in ("csv", "xlsx"):
        header, rows = recall_letter_table(view)
        name = f"tilbagekaldelse-{view.recall.pk}-modtagere"
        data = to_xlsx(_("Recipients"), header, rows) if kind == "xlsx" else to_csv(header, rows)
        return _download(data, name, kind)
    return render(
        request,
        "fulfilment/stock_recall.html",
        {
            "view": view,
            "errors": errors,
            "recall_only": not policy.may_operate_warehouse(context_for_request(request)),
            "to_replace": sum(
                1 for row in view.rows if row.picked and not row.recipient.replacement_order_id
            ),
        },
        status=status,
    )


# -- Replenishment ------------------------------------------------------------------------------


@login_required
def replenish(request: HttpRequest) -> HttpResponse:
    _allowed(request, policy.may_operate_warehouse)
    choices = _warehouse_choices(request)
    code = request.GET.get("lager") or (choices[0][0] if choices else "")
    if not choices:
        return render(request, "fulfilment/stock_replenishment.html", {"report": None})
    try:
        report = replenishment(ctx=context_for_request(request), warehouse_code=code)
    except DomainError:
        raise Http404 from None
    kind = request.GET.get("format", "")
    supplier_id = _int(request.GET.get("leverandoer"))
    if kind in ("csv", "xlsx") and supplier_id is not None:
        found = next(((s, rows) for s, rows in report.suppliers() if s.pk == supplier_id), None)
        if found is None:
            raise Http404
        header, table = call_off_table(found[1], found[0])
        name = f"afkald-{found[0].code}-{report.on.isoformat()}"
        data = to_xlsx(_("Call-off"), header, table) if kind == "xlsx" else to_csv(header, table)
        return _download(data, name, kind)
    return render(
        request,
        "fulfilment/stock_replenishment.html",
        {"report": report, "choices": choices, "code": code},
    )


# -- A citizen's delivery pauses (staff) --------------------------------------------------------


@login_required
def citizen_pauses_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    _allowed(request, policy.may_pause_deliveries)
    purpose = purpose_stated(request, citizen_id)
    ctx = context_for_request(request).with_purpose(purpose)
    if policy.needs_purpose(ctx) and not purpose:
        # The citizen's page asks for the purpose (kept in the session, never in a URL).
        return redirect(reverse("citizen-detail", args=[citizen_id]))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = PauseForm(request.POST if action == "start" else None)
    errors: list[str] = []
    status = 200
    try:
        if action == "start":
            status = 422
            if form.is_valid():
                delivery_pause_start(
                    ctx=ctx,
                    citizen_id=citizen_id,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The deliveries are paused."))
                return redirect("citizen-pauses", citizen_id=citizen_id)
        elif action == "end":
            delivery_pause_end(ctx=ctx, pause_id=_int(request.POST.get("pause")) or 0)
            messages.success(request, _("The pause is ended: waiting orders are allocated."))
            return redirect("citizen-pauses", citizen_id=citizen_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        status = 422
        if action == "start":
            _form_errors(form, exc)
        else:
            errors = exc.texts()
    try:
        pauses = citizen_pauses(ctx=ctx, citizen_id=citizen_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "fulfilment/stock_pauses.html",
        {
            "page": pauses,
            "form": form,
            "errors": errors,
            "today": timezone.localdate(),
        },
        status=status,
    )
