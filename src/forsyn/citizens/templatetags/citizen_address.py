"""`{{ citizen|address_for:request.user }}`: the address, or "Beskyttet adresse" for a protected
address the user may not see (access.policy.shows_address)."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from forsyn.access import policy

register = template.Library()


@register.filter
def address_for(citizen: Any, user: Any) -> str:
    if policy.shows_address(user, citizen):
        return f"{citizen.street}, {citizen.postcode} {citizen.city}"
    return _("Protected address")


@register.filter
def shows_address_to(citizen: Any, user: Any) -> bool:
    return policy.shows_address(user, citizen)
