"""Reads of citizens. Every read of personal data goes through the policy and the access log."""

from django.db.models import Q, QuerySet

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.access.log import log_access
from forsyn.audit.choices import AccessAction
from forsyn.citizens.models import Citizen
from forsyn.core.errors import NotFound
from forsyn.core.identifiers import clean_cpr


def citizen_queryset(*, ctx: AccessContext) -> QuerySet[Citizen]:
    return policy.citizens_visible(ctx, Citizen.objects.select_related("municipality"))


def citizen_search(
    *,
    ctx: AccessContext,
    cpr: str | None = None,
    municipality_code: str | None = None,
    q: str | None = None,
) -> QuerySet[Citizen]:
    """Citizens `ctx` may see, filtered. Raises ValueError for a malformed CPR."""
    qs = citizen_queryset(ctx=ctx)
    if cpr:
        qs = qs.filter(cpr=clean_cpr(cpr))
    if municipality_code:
        qs = qs.filter(municipality__code=municipality_code)
    if q:
        # A protected address the caller may not see must not be found by its street either.
        readable_street = Q(is_address_protected=False) | Q(
            pk__in=policy.protected_addresses_visible(ctx, Citizen.objects.all()).values("pk")
        )
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | (Q(street__icontains=word) & readable_street)
            )
    return qs.order_by("last_name", "first_name", "pk")


def access_citizen(*, ctx: AccessContext, citizen_id: int, resource: str) -> Citizen:
    """Fetch, authorize and log in one step (channel and purpose from `ctx`). NotFound when
    absent or not visible; DomainError (`purpose`) when `ctx` must state a purpose and did not."""
    citizen = citizen_queryset(ctx=ctx).filter(pk=citizen_id).first()
    if citizen is None:
        raise NotFound
    log_access(ctx, citizen_ids=[citizen.pk], action=AccessAction.VIEW, resource=resource)
    return citizen


def log_citizens_listed(*, ctx: AccessContext, citizens: list[Citizen], resource: str) -> None:
    """A list showing names and CPR numbers is a read of each citizen on it."""
    log_access(
        ctx, citizen_ids=[c.pk for c in citizens], action=AccessAction.SEARCH, resource=resource
    )
