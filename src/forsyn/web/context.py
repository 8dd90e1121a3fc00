"""What the header's navigation may show the logged-in user."""

from typing import Any

from django.http import HttpRequest

from forsyn.access import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_citizens": policy.sees_personal_data(user),
        "nav_economics": policy.may_use_economics(user),
        "nav_portal": policy.is_portal_user(user),
        "nav_ward": policy.may_order_ward_stock(user),
        "nav_approvals": bool(
            getattr(user, "organisation_id", None)
            and policy.may_decide_orders_of(user, organisation_id=user.organisation_id)  # type: ignore[union-attr]
        ),
    }
