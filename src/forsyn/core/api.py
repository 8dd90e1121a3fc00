"""Shared pieces of the JSON API: pagination, purposes, error shapes."""

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger
from pydantic import ConfigDict

from forsyn.core.error_codes import ErrorCode
from forsyn.core.errors import FieldError

T = TypeVar("T")

MAX_LIMIT = 200
# Far beyond any real list, and small enough that offset + limit fits a 64-bit integer.
MAX_OFFSET = 1_000_000_000


class StrictSchema(Schema):
    """Input schema: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    """One field's problem: `code` is stable (the tables in docs/API.md), `params` fill the
    message's placeholders, `msg` is the English text; `type` repeats `code`."""

    loc: list[str | int]
    msg: str
    type: str
    code: str
    params: dict[str, str | int | float | bool]


class ErrorOut(Schema):
    detail: list[ErrorItem] | str


def page(qs: "QuerySet[Any] | Sequence[Any]", *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of `qs` and the total count (two queries)."""
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    return list(qs[offset : offset + limit]), count


def purpose_of(request: HttpRequest, purpose: str | None = None) -> str | None:
    """The purpose of a personal-data read: a `purpose` field of a request body, else the
    X-Purpose header. Never a query parameter: URLs end up in access logs (issue #8 §3)."""
    refuse_in_query(request, "purpose", "send the purpose in the X-Purpose header, not in the URL")
    return (purpose or _header_text(request.headers.get("X-Purpose", ""))).strip() or None


def _header_text(value: str) -> str:
    """A header as the client meant it: WSGI decodes header bytes as Latin-1, so a UTF-8
    "Opfølgning" arrives as "OpfÃ¸lgning"; a Latin-1 "ø" stays as it is."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def refuse_in_query(request: HttpRequest, name: str, msg: str) -> None:
    """422 for personal data in the query string, instead of silently ignoring it (a list
    request with an ignored `cpr` filter would answer with every citizen)."""
    if name in request.GET:
        raise ValidationError(
            [
                {
                    "loc": ["query", name],
                    "msg": msg,
                    "type": ErrorCode.PERSONAL_DATA_IN_QUERY,
                    "ctx": {"field": name},
                }
            ]
        )


# Fields a service may name that travel as HTTP headers, not in the body.
HEADER_FIELDS = frozenset({"Idempotency-Key", "X-Purpose"})


def field_errors(
    errors: Sequence[tuple[str, FieldError]], *, where: str = "body"
) -> dict[str, Any]:
    """The 422 body of a DomainError: per field its location, English text, code and params."""
    return {
        "detail": [
            {
                "loc": ["header", name]
                if name in HEADER_FIELDS
                else [where, *name.replace("]", "").replace("[", ".").split(".")],
                "msg": err.english(),
                "type": err.code,
                "code": err.code,
                "params": err.english_params(),
            }
            for name, err in errors
        ]
    }


class LocalSwagger(Swagger):
    """Swagger UI from our own static files (no CDN; the page works offline) with its start-up
    script in a file, so the page satisfies the Content-Security-Policy (issue #8 §3)."""

    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # validatorUrl None: Swagger UI would otherwise send the schema to swagger.io.
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs), "validatorUrl": None}
        return render(request, self.template, {"swagger_settings": json.dumps(config), "api": api})
