"""Reads for organisations and users."""

from django.db.models import QuerySet

from forsyn.organisations.models import ApiToken, Organisation, User


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
    user = row.user
    user.role_set()
    return user
