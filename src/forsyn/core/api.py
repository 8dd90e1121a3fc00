"""Shared pieces of the JSON API: pagination, purposes, error shapes."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import ConfigDict

T = TypeVar("T")

MAX_LIMIT = 200
# Far beyond any real list, and small enough that offset + limit fits a 64-bit integer.
MAX_OFFSET = 1_000_000_000


class StrictSchema(Schema):
    """Input schema: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: list[ErrorItem] | str


def page(qs: "QuerySet[Any] | Sequence[Any]", *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of `qs` and the total count (two queries)."""
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    return list(qs[offset : offset + limit]), count


def purpose_of(request: HttpRequest, purpose: str | None = None) -> str | None:
    """The purpose of a personal-data read: the `purpose` parameter or the X-Purpose header."""
    return purpose or request.headers.get("X-Purpose") or None


# Fields a service may name that travel as HTTP headers, not in the body.
HEADER_FIELDS = frozenset({"Idempotency-Key", "X-Purpose"})


def field_errors(
    fields: dict[str, str], *, where: str = "body", type_: str = "value_error"
) -> dict[str, Any]:
    return {
        "detail": [
            {
                "loc": ["header", name]
                if name in HEADER_FIELDS
                else [where, *name.replace("]", "").replace("[", ".").split(".")],
                "msg": msg,
                "type": type_,
            }
            for name, msg in fields.items()
        ]
    }
