"""The caseworker's page of one citizen: the citizen, their grants with what is left, and their
orders with status, channel and who acted, and their delivery pause. It lives in `fulfilment`,
the lowest app that knows all it shows (citizens < grants < orders < fulfilment in the layers;
docs/adr/0021): a waiting order says why allocation passed it over (issue #10 §3)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.access.purpose import purpose_page
from forsyn.citizens.selectors import citizen_queryset
from forsyn.core.errors import NotFound
from forsyn.fulfilment.pauses import current_pause, pause_notes
from forsyn.grants.selectors import grants_for_citizen
from forsyn.orders.selectors import order_queryset


@login_required
def citizen_detail_view(request: HttpRequest, citizen_id: int) -> HttpResponse:
    ctx = context_for_request(request)
    if not policy.sees_personal_data(ctx):
        raise PermissionDenied
    purpose, answer = purpose_page(request, citizen_id, needs_purpose=policy.needs_purpose(ctx))
    if answer is not None:
        return answer
    ctx = ctx.with_purpose(purpose)
    try:
        grants = grants_for_citizen(ctx=ctx, citizen_id=citizen_id, resource="citizen page")
    except NotFound:
        raise Http404 from None
    # The grants selector above logged this page's read of the citizen; the citizen row and the
    # orders are part of the same page (same policy), so no second entry (docs/adr/0016).
    citizen = citizen_queryset(ctx=ctx).filter(pk=citizen_id).first()
    if citizen is None:
        raise Http404
    orders = list(order_queryset(ctx=ctx).filter(citizen_id=citizen_id))
    notes = pause_notes(order_ids=[o.pk for o in orders])
    for order in orders:
        setattr(order, "pause_note", notes.get(order.pk))  # noqa: B010 - not a model field
    return render(
        request,
        "fulfilment/citizen_detail.html",
        {
            "citizen": citizen,
            "grants": grants,
            "orders": orders,
            # Why waiting orders are not allocated: a delivery pause (issue #10 §3).
            "pause": current_pause(citizen_id=citizen_id),
            "may_pause": policy.may_pause_deliveries(ctx),
            "full_cpr": policy.shows_full_cpr(ctx),
            "may_write": policy.may_write_grants(ctx),
            "may_see_log": policy.may_view_access_log(ctx, citizen),
            "may_order": policy.may_order_for(ctx),
        },
    )
