"""Portal users: a citizen or representative logged in through NemLog-in, known by CPR."""

from typing import Any

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


def demo_identities() -> list[dict[str, Any]]:
    """A few citizens and a representative to pick in the test IdP (demo and tests only)."""
    rows: list[dict[str, Any]] = []
    for c in Citizen.objects.filter(grants__status="active").order_by("pk").distinct()[:5]:
        rows.append({"cpr": c.cpr, "name": c.name, "label": f"{c.name} (borger)"})
    rep = Representative.objects.select_related("citizen").order_by("pk").first()
    if rep is not None:
        rows.append(
            {
                "cpr": rep.cpr,
                "name": rep.name,
                "label": f"{rep.name} (fuldmagt for {rep.citizen.name})",
            }
        )
    return rows
