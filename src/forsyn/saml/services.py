"""Portal users: a citizen or representative logged in through NemLog-in, known by CPR."""

from django.utils import timezone

from forsyn.citizens.models import Citizen, Representative
from forsyn.core.identifiers import clean_cpr
from forsyn.organisations.models import User


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
    user, _ = User.objects.get_or_create(
        username=f"cpr-{cpr}", defaults={"cpr": cpr, "first_name": full_name[:150]}
    )
    if not user.has_usable_password():
        return user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user
