"""Writes for organisations, users, roles and tokens."""

import secrets
from collections.abc import Iterable

from django.db import transaction

from forsyn.core.errors import DomainError, FieldError
from forsyn.core.identifiers import clean_cvr, clean_gln
from forsyn.organisations.choices import ROLE_ORGANISATION_KINDS, OrganisationKind, Role
from forsyn.organisations.error_codes import ErrorCode
from forsyn.organisations.models import ApiToken, Organisation, User, UserRole


@transaction.atomic
def organisation_create(
    *,
    kind: str,
    code: str,
    name: str,
    cvr: str = "",
    gln: str = "",
    region: Organisation | None = None,
) -> Organisation:
    errors: dict[str, FieldError] = {}
    if kind not in OrganisationKind.values:
        errors["kind"] = ErrorCode.KIND_UNKNOWN.error(kind=kind)
    if kind == OrganisationKind.MUNICIPALITY and not (len(code) == 3 and code.isdigit()):
        errors["code"] = ErrorCode.MUNICIPALITY_CODE_INVALID.error()
    for field, value, clean, invalid in (
        ("cvr", cvr, clean_cvr, ErrorCode.CVR_INVALID),
        ("gln", gln, clean_gln, ErrorCode.GLN_INVALID),
    ):
        if value:
            try:
                clean(value)
            except ValueError:
                errors[field] = invalid.error()
    if kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.HOSPITAL_UNIT) and (
        region is None or region.kind != OrganisationKind.REGION
    ):
        errors["region"] = ErrorCode.REGION_REQUIRED.error()
    if errors:
        raise DomainError(
            "invalid organisation", code=ErrorCode.ORGANISATION_INVALID, fields=errors
        )
    return Organisation.objects.create(
        kind=kind, code=code, name=name, cvr=cvr, gln=gln, region=region
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    role_list = sorted(set(roles))
    for role in role_list:
        if role not in Role.values:
            raise DomainError(
                f"unknown role '{role}'",
                code=ErrorCode.ROLE_UNKNOWN,
                fields={"roles": ErrorCode.ROLE_UNKNOWN.error(role=role)},
            )
        if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
            raise DomainError(
                f"role '{role}' does not belong in a {organisation.kind}",
                code=ErrorCode.ROLE_ORGANISATION_MISMATCH,
                fields={"roles": ErrorCode.ROLE_ORGANISATION_MISMATCH.error(role=role)},
            )
    user = User(
        username=username,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=Role.ADMIN in role_list,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in role_list])
    return user


def token_create(*, user: User) -> str:
    """Create a bearer token for `user` and return it; only its digest is stored."""
    token = "fsn_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(token), prefix=token[:8])
    return token
