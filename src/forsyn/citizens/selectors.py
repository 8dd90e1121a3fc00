"""Reads of citizens. Every read of personal data goes through the policy and the access log."""

from typing import Any

from django.db.models import Q, QuerySet

from forsyn.access import policy
from forsyn.audit.services import access_log
from forsyn.citizens.models import Citizen
from forsyn.core.errors import NotFound
from forsyn.core.identifiers import clean_cpr


def citizen_queryset(*, user: Any) -> QuerySet[Citizen]:
    return policy.citizens_visible(user, Citizen.objects.select_related("municipality"))


def citizen_search(
    *,
    user: Any,
    cpr: str | None = None,
    municipality_code: str | None = None,
    q: str | None = None,
) -> QuerySet[Citizen]:
    """Citizens `user` may see, filtered. Raises ValueError for a malformed CPR."""
    qs = citizen_queryset(user=user)
    if cpr:
        qs = qs.filter(cpr=clean_cpr(cpr))
    if municipality_code:
        qs = qs.filter(municipality__code=municipality_code)
    if q:
        # A protected address the caller may not see must not be found by its street either.
        readable_street = Q(is_address_protected=False) | Q(
            pk__in=policy.protected_addresses_visible(user, Citizen.objects.all()).values("pk")
        )
        for word in q.split()[:4]:
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | (Q(street__icontains=word) & readable_street)
            )
    return qs.order_by("last_name", "first_name", "pk")


def access_citizen(
    *, user: Any, citizen_id: int, purpose: str | None, channel: str, resource: str
) -> Citizen:
    """Fetch, authorize and log in one step. NotFound when absent or not visible."""
    citizen = citizen_queryset(user=user).filter(pk=citizen_id).first()
    if citizen is None:
        raise NotFound
    stated = policy.purpose_for(user, purpose)
    access_log(
        actor=user,
        citizen_ids=[citizen.pk],
        action="view",
        channel=channel,
        resource=resource,
        purpose=stated,
    )
    return citizen


def log_citizens_listed(
    *, user: Any, citizens: list[Citizen], purpose: str | None, channel: str, resource: str
) -> None:
    """A list showing names and CPR numbers is a read of each citizen on it."""
    stated = policy.purpose_for(user, purpose)
    access_log(
        actor=user,
        citizen_ids=[c.pk for c in citizens],
        action="search",
        channel=channel,
        resource=resource,
        purpose=stated,
    )
