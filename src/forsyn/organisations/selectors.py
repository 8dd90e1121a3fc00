"""Reads for organisations and users."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from forsyn.organisations.models import ApiToken, Organisation, User

TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def organisation_list(*, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("region").order_by("kind", "code")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def user_for_token(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=ApiToken.digest_of(token), is_active=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:
        # "Last used" to the minute is enough to spot stale tokens; writing it on every call
        # would turn each read into a write.
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    user = row.user
    user.role_set()
    return user
