"""Row locks on grants, in one place (Saleor's lock_objects.py). Only the grant's own rows are
locked (`of=("self",)`): joining the granting organisation or the product area must not lock
those rows, or every grant change in an area would wait for every other one nationwide.
The lock order across apps is in docs/ARCHITECTURE.md."""

from django.db.models import QuerySet

from forsyn.grants.models import Grant, GrantLine


def grants_for_update(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    return grants.select_for_update(of=("self",)).order_by("pk")


def grant_lines_for_update(lines: QuerySet[GrantLine]) -> QuerySet[GrantLine]:
    return lines.select_for_update(of=("self",)).order_by("pk")
