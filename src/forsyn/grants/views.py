"""Staff pages of grants: create, show, edit and change the status of a grant. Each view
validates a form, calls one selector or service and renders; `DomainError` fields become form
errors."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.context import AccessContext, context_for_request
from forsyn.access.purpose import purpose_stated
from forsyn.access.roles import OrganisationKind
from forsyn.citizens.selectors import access_citizen
from forsyn.core.dates import today
from forsyn.core.errors import DomainError, NotFound
from forsyn.grants.choices import GrantStatus, LegalBasis
from forsyn.grants.forms import GrantForm, GrantLineFormSet, GrantStatusForm
from forsyn.grants.models import Grant
from forsyn.grants.selectors import grant_get, grant_history
from forsyn.grants.services import (
    GrantLineInput,
    grant_create,
    grant_status_change,
    grant_update,
)

LINE_FIELD_NAMES = {"gtin": "product"}


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
    ctx = context_for_request(request)
    try:
        citizen = access_citizen(ctx=ctx, citizen_id=citizen_id, resource="new grant page")
    except (NotFound, DomainError):
        raise Http404 from None
    if not policy.may_write_grants(ctx):
        raise PermissionDenied
    initial = {
        "valid_from": today(),
        "legal_basis": LegalBasis.SEL_112
        if ctx.organisation_kind == OrganisationKind.MUNICIPALITY
        else LegalBasis.HOSPITAL_TEMPORARY,
    }
    form = GrantForm(request.POST or None, initial=initial)
    lines = GrantLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        inputs, index = _line_inputs(lines)
        data = form.cleaned_data
        try:
            grant = grant_create(
                ctx=ctx,
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
        "grants/grant_form.html",
        {"citizen": citizen, "form": form, "lines": lines, "creating": True},
    )


def _grant_or_404(request: HttpRequest, grant_id: int) -> tuple[AccessContext, Grant]:
    """The grant and the context, with the purpose kept for the grant's citizen."""
    # Only to find the purpose kept for the grant's citizen; grant_get applies the policy.
    citizen_id = Grant.objects.filter(pk=grant_id).values_list("citizen_id", flat=True).first()
    ctx = context_for_request(request)
    ctx = ctx.with_purpose(purpose_stated(request, citizen_id) if citizen_id else None)
    try:
        return ctx, grant_get(ctx=ctx, grant_id=grant_id, resource="grant page")
    except (NotFound, DomainError):
        raise Http404 from None


@login_required
def grant_detail_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    ctx, grant = _grant_or_404(request, grant_id)
    return render(
        request,
        "grants/grant_detail.html",
        {
            "grant": grant,
            "history": grant_history(grant=grant),
            "may_write": policy.may_write_grant(
                ctx, granting_organisation=grant.granting_organisation
            )
            and grant.status != GrantStatus.ENDED,
            "status_form": GrantStatusForm(initial={"status": grant.status}),
            "full_cpr": policy.shows_full_cpr(ctx),
        },
    )


@login_required
def grant_edit_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    ctx, grant = _grant_or_404(request, grant_id)
    if not policy.may_write_grant(ctx, granting_organisation=grant.granting_organisation):
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
        for line in grant.active_lines  # type: ignore[attr-defined]
    ]
    form = GrantForm(request.POST or None, initial=initial, editing=True)
    lines = GrantLineFormSet(request.POST or None, initial=line_initial, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        inputs, index = _line_inputs(lines)
        data = form.cleaned_data
        try:
            grant_update(
                ctx=ctx,
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
        "grants/grant_form.html",
        {"citizen": grant.citizen, "grant": grant, "form": form, "lines": lines, "creating": False},
    )


@login_required
def grant_status_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    ctx, grant = _grant_or_404(request, grant_id)
    form = GrantStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant_status_change(
                ctx=ctx,
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
    return render(request, "grants/grant_status.html", {"grant": grant, "form": form})
