"""What an access-log entry's `resource` means, in the reader's language (issue #9 §4,
docs/adr/0018). The log stores the resource as written when it was logged (it is part of the
hash chain, so old rows never change); pages translate the known ones and show API routes
("GET /citizens/{id}") as they are."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

PLACES: dict[str, str] = {
    "grant page": _("grant page"),
    "new grant page": _("new grant page"),
    "citizen page": _("citizen page"),
    "citizen search": _("citizen search"),
    "access log page": _("access log page"),
    "approval queue": _("approval queue"),
    "receipt page": _("receipt page"),
    "portal": _("self-service"),
    "choose a citizen": _("choose a citizen"),
    "my products": _("my products"),
    "order history": _("order history"),
    # The warehouse (issue #10 §4–5): names and addresses on what it packs and ships.
    "packing": _("packing"),
    "shipping": _("shipping"),
    "returned parcels": _("returned parcels"),
    "delivery note": _("delivery note"),
    "label": _("shipping label"),
    "fulfilment timeline": _("fulfilment timeline"),
    "delivery pauses": _("delivery pauses"),
}
# API routes: what was read, in words, with the route itself for those who need it.
ROUTES: dict[str, str] = {
    "GET /citizens": _("citizen search"),
    "POST /citizens/search": _("citizen search"),
    "GET /citizens/{id}": _("the citizen's data"),
    "GET /citizens/{id}/grants": _("the citizen's grants"),
    "GET /citizens/{id}/orders": _("the citizen's orders"),
    "GET /grants/{id}": _("a grant"),
    "POST /grants": _("a new grant"),
    "PATCH /grants/{id}": _("a grant change"),
    "GET /approvals": _("approval queue"),
    "GET /orders/{id}": _("an order"),
    "POST /orders": _("a new order"),
    "POST /orders (replay)": _("a repeated order request"),
    "POST /orders/{id}/cancel": _("a cancellation"),
    "POST /orders/{id}/approve": _("an approval"),
    "POST /orders/{id}/reject": _("a rejection"),
}
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"order (\d+)"), _("order %(id)s")),
    (re.compile(r"order (\d+) approved"), _("order %(id)s approved")),
    (re.compile(r"order (\d+) rejected"), _("order %(id)s rejected")),
    (re.compile(r"order (\d+) cancelled"), _("order %(id)s cancelled")),
    (re.compile(r"grant (\d+)"), _("grant %(id)s")),
    (re.compile(r"wave (\d+)"), _("wave %(id)s")),
    (re.compile(r"parcel (\d+)"), _("parcel %(id)s")),
    (re.compile(r"recall (\d+)"), _("recall %(id)s")),
]


def resource_label(resource: str) -> str:
    """`resource` in the active language: "grant page" → "bevillingsside", "approval queue:
    order 7" → "godkendelseskø: bestilling 7"; anything else as stored."""
    head, sep, tail = resource.partition(": ")
    if sep and tail:
        return f"{resource_label(head)}: {resource_label(tail)}"
    if resource in PLACES:
        return gettext(PLACES[resource])
    if resource in ROUTES:
        return f"{gettext(ROUTES[resource])} ({resource})"
    for pattern, message in PATTERNS:
        match = pattern.fullmatch(resource)
        if match:
            return gettext(message) % {"id": match[1]}
    return resource
