"""What the header's navigation may show the logged-in user, and which item is the current page."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forsyn.access import policy
from forsyn.access.context import context_for_request

# A path belongs to the section whose prefix it starts with (grants belong to citizens).
SECTION_PREFIXES = (
    ("/borgere/", "citizens"),
    ("/bevillinger/", "citizens"),
    ("/godkendelser/", "approvals"),
    ("/afdelingslager/", "ward"),
    ("/lager/", "warehouse"),
    ("/ordrer/", "citizens"),
    ("/produkter/", "products"),
    ("/analyse/", "economics"),
    ("/koersler/", "jobs"),
    ("/borger/", "portal"),
    ("/api/", "api"),
)


def section_of(path: str) -> str:
    return next((key for prefix, key in SECTION_PREFIXES if path.startswith(prefix)), "")


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu, and `access`: the request's access context, for templates and their filters
    (`citizen|address_for:access`)."""
    ctx = context_for_request(request)
    flags = {
        "nav_citizens": policy.sees_personal_data(ctx),
        "nav_economics": policy.may_use_economics(ctx),
        "nav_portal": policy.is_portal_user(ctx),
        "nav_ward": policy.may_order_ward_stock(ctx),
        "nav_approvals": policy.may_decide_orders(ctx),
        "nav_warehouse": policy.may_operate_warehouse(ctx),
    }
    items: list[tuple[str, Any, str]] = []
    if ctx.is_authenticated:
        if flags["nav_portal"]:
            items.append(("portal", _("My products"), reverse("portal:home")))
        else:
            if flags["nav_citizens"]:
                items.append(("citizens", _("Citizens"), reverse("citizen-search")))
            if flags["nav_approvals"]:
                items.append(("approvals", _("Approvals"), reverse("approvals")))
            if flags["nav_ward"]:
                items.append(("ward", _("Ward stock"), reverse("ward-order")))
            if flags["nav_warehouse"]:
                items.append(("warehouse", _("Warehouse"), reverse("fulfilment:home")))
            elif policy.may_handle_recalls(ctx):
                items.append(("warehouse", _("Recalls"), reverse("stock:recalls")))
            items.append(("products", _("Products"), reverse("product-list")))
            if flags["nav_economics"]:
                items.append(("economics", _("Economics"), reverse("economics:index")))
            items.append(("jobs", _("Job runs"), reverse("job-runs")))
            items.append(("api", _("API"), "/api/v1/docs"))
    current = section_of(request.path)
    return {
        "access": ctx,
        **flags,
        "nav_items": [
            {"key": key, "label": label, "url": url, "current": key == current}
            for key, label, url in items
        ],
    }
