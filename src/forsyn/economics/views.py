"""Analyst pages: upload a case or data file, see tables and charts, download XLSX and PDF.
No personal data is shown here: parties are organisations, amounts are totals."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.economics.calculations import (
    CALCULATIONS,
    EQUALIZATION,
    OLD_SLUGS,
    Calculation,
    Presentation,
)
from forsyn.economics.charts import Series, line_chart
from forsyn.economics.errors import InputError
from forsyn.economics.exports import to_csv, to_pdf, to_xlsx
from forsyn.economics.forms import (
    CalculationForm,
    ConsumptionUploadForm,
    FromConsumptionForm,
    GainsForm,
)
from forsyn.economics.models import ConsumptionBatch, ConsumptionRow, ConsumptionUpload
from forsyn.economics.parsing import load_json_input
from forsyn.economics.services import (
    consumption_upload_create,
    equalization_input_from_consumption,
    realised_gains,
    tender_volumes,
)

View = Callable[..., HttpResponse]
# A calculation's input problems shown at once (an input can hold thousands).
MAX_SHOWN_PROBLEMS = 10


def analyst_only(view: View) -> View:
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policy.may_use_economics(context_for_request(request)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _download(presentation: Presentation, title: str, fmt: str, slug: str) -> HttpResponse:
    if fmt == "xlsx":
        data = to_xlsx(presentation.tables)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = to_pdf(title, presentation.tables, presentation.summary, presentation.chart)
        content_type = "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


@analyst_only
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "economics/index.html", {"calculations": CALCULATIONS.values()})


def _input_from(form: CalculationForm) -> Any:
    upload = form.cleaned_data.get("file")
    text = (
        upload.read().decode("utf-8-sig", errors="strict")
        if upload
        else form.cleaned_data["input_json"]
    )
    return load_json_input(text)


def _input_error(exc: InputError) -> str:
    """The error in the reader's language where it has a translation (the limits), else as
    the calculation wrote it."""
    return f"{exc.field}: {exc.error.text()}"


def old_slugs_moved(view: View) -> View:
    """A calculation's English address of before has moved for good to its Danish one, for
    everyone (the address reveals nothing). A GET (a bookmark, a link) is a 301; any other
    method a 308, which keeps the method and the body."""

    def wrapped(request: HttpRequest, slug: str) -> HttpResponse:
        if slug not in OLD_SLUGS:
            return view(request, slug)
        url = reverse("economics:calculation", args=[OLD_SLUGS[slug]])
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        response = HttpResponsePermanentRedirect(url)
        if request.method not in ("GET", "HEAD"):
            response.status_code = 308
        return response

    wrapped.__name__ = view.__name__
    return wrapped


@old_slugs_moved
@analyst_only
@require_http_methods(["GET", "POST"])
def calculation(request: HttpRequest, slug: str) -> HttpResponse:
    calc: Calculation[Any] | None = CALCULATIONS.get(slug)
    if calc is None:
        raise Http404
    context: dict[str, Any] = {"calc": calc}
    form = CalculationForm(
        request.POST or None, request.FILES or None, initial={"input_json": calc.example_json}
    )
    if slug == EQUALIZATION:
        context["from_form"] = FromConsumptionForm(prefix="fc")
    if (
        request.method == "POST"
        and request.POST.get("source") == "consumption"
        and slug == EQUALIZATION
    ):
        from_form = FromConsumptionForm(request.POST, prefix="fc")
        context["from_form"] = from_form
        if from_form.is_valid():
            data = equalization_input_from_consumption(
                year=from_form.cleaned_data["year"],
                prices_on=from_form.cleaned_data["prices_on"],
                cap=from_form.cleaned_data["cap"],
                key=from_form.cleaned_data["key"],
            )
            context["missing_prices"] = data.pop("products_without_contract_price")
            if not data["parties"]:
                from_form.add_error("year", _("No usable consumption data for that year."))
            else:
                form = CalculationForm(
                    initial={"input_json": json.dumps(data, ensure_ascii=False, indent=2)}
                )
                context["result"] = calc.present(calc.compute(data))
    elif request.method == "POST" and form.is_valid():
        try:
            result = calc.compute(_input_from(form))
        except InputError as exc:
            for problem in exc.problems[:MAX_SHOWN_PROBLEMS]:
                form.add_error("input_json", _input_error(problem))
        except UnicodeDecodeError:
            form.add_error("input_json", _("The file is not UTF-8 text."))
        except ArithmeticError:
            # Within the digit limits every calculation fits; this is the last guard.
            form.add_error("input_json", _("input: the numbers are too large to calculate with"))
        else:
            presentation = calc.present(result)
            fmt = request.POST.get("format")
            if fmt in ("xlsx", "pdf"):
                return _download(presentation, str(calc.title), fmt, slug)
            context["result"] = presentation
    context["form"] = form
    return render(request, "economics/calculation.html", context)


@analyst_only
@require_http_methods(["GET", "POST"])
def consumption(request: HttpRequest) -> HttpResponse:
    form = ConsumptionUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = consumption_upload_create(
            file_name=upload.name,
            data=upload.read(),
            ctx=context_for_request(request),
            accept_flagged=form.cleaned_data["accept_flagged"],
        )
        if stored.status == ConsumptionUpload.Status.PENDING:
            return redirect("economics:upload", upload_id=stored.pk)
        context["import_result"] = _outcome(stored)
    year = request.GET.get("year", "")
    if year.isdecimal() and len(year) <= 4:  # a year; "²" is a digit but no number
        volumes = tender_volumes(year=int(year))
        if request.GET.get("download") in ("csv", "xlsx"):
            header = [
                _("Lot"),
                _("Product"),
                _("Description"),
                _("Pieces"),
                _("Parties"),
                _("Amount"),
            ]
            rows = [
                [v.lot, v.product_key, v.description, v.pieces, v.parties, v.amount]
                for v in volumes
            ]
            return _file(request.GET["download"], f"tilbudsliste-{year}", header, rows)
        context.update(year=year, volumes=volumes)
    if request.GET.get("clean") in ("csv", "xlsx"):
        return _clean_export(request.GET["clean"])
    context["batches"] = [
        (b, b.rows.count(), b.rows.exclude(flag="").count())
        for b in ConsumptionBatch.objects.order_by("-imported_at")[:20]
    ]
    context["flagged"] = ConsumptionRow.objects.exclude(flag="").select_related("party", "batch")[
        :100
    ]
    return render(request, "economics/consumption.html", context)


def _outcome(upload: ConsumptionUpload) -> dict[str, Any]:
    """An import's outcome for the page, each error's reason in the reader's language where it
    has a translation (the limits), else as the import wrote it."""
    outcome = dict(upload.outcome)
    outcome["batch_id"] = upload.batch_id
    outcome["errors"] = [
        {
            "row": e["row"],
            "column": e["column"],
            "reason": _(e["reason"]) % e["params"] if e["params"] else _(e["reason"]),
        }
        for e in outcome.get("errors", [])
    ]
    return outcome


@analyst_only
def upload_status(request: HttpRequest, upload_id: int) -> HttpResponse:
    """A file being imported in the background: "Processing…", refreshing itself, then the
    outcome."""
    upload = get_object_or_404(ConsumptionUpload.objects.defer("data"), pk=upload_id)
    pending = upload.status == ConsumptionUpload.Status.PENDING
    response = render(
        request,
        "economics/upload.html",
        {
            "upload": upload,
            "pending": pending,
            "import_result": None if pending else _outcome(upload),
        },
    )
    if pending:
        response["Refresh"] = "3"  # a header, not inline script (the pages' CSP allows none)
    return response


def _file(fmt: str, name: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    if fmt == "xlsx":
        data = to_xlsx([(name[:31], header, rows)])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data, content_type = to_csv(header, rows), "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _clean_export(fmt: str) -> HttpResponse:
    from forsyn.economics.management.commands.economics import CLEAN_HEADER

    rows = [
        [
            r.batch_id,
            r.row_number,
            r.party.code,
            r.product_number,
            r.gtin,
            r.description,
            r.unit,
            r.pieces_per_unit,
            r.quantity,
            r.price_per_unit,
            r.pieces,
            r.price_per_piece,
            r.amount,
            r.year,
            r.flag,
        ]
        for r in ConsumptionRow.objects.select_related("party").order_by("batch_id", "row_number")
    ]
    return _file(fmt, "forbrug-renset", CLEAN_HEADER, rows)


@analyst_only
def gains(request: HttpRequest) -> HttpResponse:
    form = GainsForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        rows = realised_gains(
            baseline_year=form.cleaned_data["baseline_year"],
            expected_discount=form.cleaned_data["expected_discount"],
        )
        years = sorted({r.year for r in rows})
        realised = [
            sum((r.realised_accumulated for r in rows if r.year == y), Decimal(0)) for y in years
        ]
        expected = [
            sum((r.expected_accumulated for r in rows if r.year == y), Decimal(0)) for y in years
        ]
        table_rows = [
            [
                r.party,
                r.year,
                r.realised,
                r.expected,
                r.realised_accumulated,
                r.expected_accumulated,
            ]
            for r in rows
        ]
        header = [
            _("Party"),
            _("Year"),
            _("Realised"),
            _("Expected"),
            _("Realised, accumulated"),
            _("Expected, accumulated"),
        ]
        presentation = Presentation(
            summary=[
                (_("Realised, all parties"), f"{realised[-1]:.2f}" if realised else "0.00"),
                (_("Expected, all parties"), f"{expected[-1]:.2f}" if expected else "0.00"),
            ],
            tables=[(_("Realised gains"), header, table_rows)],
            chart=line_chart(
                _("Accumulated gain, all parties"),
                [str(y) for y in years],
                [Series(_("Realised"), realised), Series(_("Expected"), expected)],
            )
            if years
            else "",
        )
        fmt = request.GET.get("format")
        if fmt in ("xlsx", "pdf"):
            return _download(presentation, _("Realised gains"), fmt, "gevinster")
        context["result"] = presentation
    return render(request, "economics/gains.html", context)
