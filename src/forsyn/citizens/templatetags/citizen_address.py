"""`{{ citizen|address_for:access }}`: the address, or "Beskyttet adresse" for a protected address
the acting person may not see (access.policy.shows_address). `access` is the request's access
context (context processor `forsyn.site.context.navigation`)."""

from django import template
from django.utils.translation import gettext as _

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.citizens.models import Citizen

register = template.Library()


@register.filter
def address_for(citizen: Citizen, ctx: AccessContext) -> str:
    if policy.shows_address(ctx, citizen):
        return f"{citizen.street}, {citizen.postcode} {citizen.city}"
    return _("Protected address")


@register.filter
def shows_address_to(citizen: Citizen, ctx: AccessContext) -> bool:
    return policy.shows_address(ctx, citizen)
