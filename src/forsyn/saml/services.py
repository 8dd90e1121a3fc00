"""Portal users: a citizen or representative logged in through NemLog-in, known by CPR."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from onelogin.saml2.constants import OneLogin_Saml2_Constants

from forsyn.citizens.models import Citizen, Representative
from forsyn.core.identifiers import clean_cpr
from forsyn.organisations.models import User
from forsyn.saml.models import UsedAssertion

PORTAL_USERNAME_PREFIX = "borger-"

# Without NotOnOrAfter on the subject confirmation python3-saml still checks the conditions;
# such an ID is kept a day, far beyond any assertion lifetime NemLog-in issues.
FALLBACK_ASSERTION_LIFETIME = dt.timedelta(days=1)


def new_portal_username() -> str:
    """A random username: it says nothing about the person (the CPR number is in `User.cpr`)."""
    return PORTAL_USERNAME_PREFIX + secrets.token_hex(8)


def portal_user_for(*, cpr: str, full_name: str) -> User | None:
    """The portal user for a CPR number from the IdP, created on first log-in. Only people who
    are citizens in forsyn or hold a power of attorney for one get in."""
    try:
        cpr = clean_cpr(cpr)
    except ValueError:
        return None
    today = timezone.localdate()
    known = (
        Citizen.objects.filter(cpr=cpr).exists()
        or Representative.objects.filter(cpr=cpr, valid_from__lte=today).exists()
    )
    if not known:
        return None
    portal_users = User.objects.filter(cpr=cpr, organisation__isnull=True)
    user = portal_users.order_by("pk").first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=new_portal_username(), cpr=cpr, first_name=full_name[:150])
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # the same person's first log-in in another worker won the race
            user = portal_users.get()
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def assertion_use(*, assertion_id: str, not_on_or_after: int | None) -> bool:
    """Record the first use of a SAML assertion; False if it was used before (a replay). The ID
    is kept until the assertion can no longer be valid: its NotOnOrAfter (POSIX seconds, as
    python3-saml reports it) plus the clock drift python3-saml allows. Expired IDs are pruned."""
    now = timezone.now()
    if not_on_or_after is None:
        expires_at = now + FALLBACK_ASSERTION_LIFETIME
    else:
        drift = dt.timedelta(seconds=OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT)
        expires_at = dt.datetime.fromtimestamp(not_on_or_after, tz=dt.UTC) + drift
    UsedAssertion.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(assertion_id=assertion_id, expires_at=expires_at)
    except IntegrityError:
        return False
    return True
