"""Staff pages of citizens: the search and the access log of one citizen. Each view validates
input, calls one selector and renders; the citizen's own page (grants and orders) is in
`fulfilment.citizen_page`, the lowest app that knows all it shows."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.access.purpose import purpose_form_page, purpose_page, purpose_remember
from forsyn.audit.selectors import access_log_for_citizen
from forsyn.citizens.error_codes import ErrorCode
from forsyn.citizens.forms import CitizenSearchForm
from forsyn.citizens.selectors import access_citizen, citizen_search, log_citizens_listed
from forsyn.core.errors import DomainError, NotFound


@login_required
def citizen_search_view(request: HttpRequest) -> HttpResponse:
    """The search posts (CPR numbers and names stay out of URLs and access logs); further
    pages are POST buttons carrying the same fields (docs/adr/0013)."""
    ctx = context_for_request(request)
    if not policy.sees_personal_data(ctx):
        raise PermissionDenied
    form = CitizenSearchForm(
        request.POST if request.method == "POST" else None,
        purpose_required=policy.needs_purpose(ctx),
    )
    context: dict[str, Any] = {"form": form, "needs_purpose": policy.needs_purpose(ctx)}
    if form.is_bound and form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["cpr"]):
        data = form.cleaned_data
        try:
            qs = citizen_search(ctx=ctx, cpr=data["cpr"] or None, q=data["q"] or None)
            page = Paginator(qs, 25).get_page(request.POST.get("page"))
            listed = list(page.object_list)
            log_citizens_listed(
                ctx=ctx.with_purpose(data["purpose"] or None),
                citizens=listed,
                resource="citizen search",
            )
        except ValueError:
            form.add_error("cpr", ErrorCode.CPR_INVALID.error().text())
        except DomainError as exc:
            for field, err in exc.problems:
                form.add_error(field if field in form.fields else None, err.text())
        else:
            # The purpose stated for the search covers opening the citizens it listed.
            purpose_remember(
                request, citizen_ids=[c.pk for c in listed], purpose=data["purpose"] or ""
            )
            context.update(page=page, full_cpr=policy.shows_full_cpr(ctx))
    return render(request, "citizens/citizen_search.html", context)


@login_required
def citizen_access_log_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    ctx = context_for_request(request)
    purpose, answer = purpose_page(request, citizen_id, needs_purpose=policy.needs_purpose(ctx))
    if answer is not None:
        return answer
    ctx = ctx.with_purpose(purpose)
    try:
        citizen = access_citizen(ctx=ctx, citizen_id=citizen_id, resource="access log page")
    except NotFound:
        raise Http404 from None
    except DomainError:
        return purpose_form_page(request)
    if not policy.may_view_access_log(ctx, citizen):
        raise Http404
    page = Paginator(access_log_for_citizen(citizen_id=citizen.pk), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "citizens/access_log.html", {"citizen": citizen, "page": page})
