"""Hostile input stops at the door: a NUL character anywhere in a request, and JSON nested too
deep to parse, are refused before any view, form or query sees them (docs/adr/0014).

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00) characters"), so a
NUL that reached a query was a 500. Checking every parameter in one place covers the inputs that
never pass a Django form (search terms, purposes, idempotency keys, headers, cookies, path
parameters, JSON bodies). The API answers 422 in its documented error shape, naming the field;
a page answers 400 with a Danish message naming the field.
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from forsyn.core.error_codes import ErrorCode

API_PREFIX = "/api/"
NUL = "\x00"
# Deeper than any real input (an equalization case is 4 levels deep), far below Python's
# recursion limit, so the parser never raises RecursionError.
MAX_JSON_DEPTH = 64

Loc = list[str | int]
# English in the API (messages there are stable English); translated on pages.
NUL_MESSAGE = ErrorCode.STRING_NUL.message
DEPTH_MESSAGE = ErrorCode.JSON_TOO_DEEP.message


class BadInput(Exception):
    def __init__(self, loc: Loc, msg: str, type_: str) -> None:
        super().__init__(msg)
        self.loc, self.msg, self.type = loc, msg, type_


def json_depth_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit`, without parsing (a parser
    would recurse once per level)."""
    depth = 0
    in_string = escaped = False
    for ch in text.decode("utf-8", "replace") if isinstance(text, bytes) else text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _nul_in_json(value: Any, loc: Loc) -> Loc | None:
    """The location of the first string (or key) holding a NUL, iteratively."""
    stack: list[tuple[Any, Loc]] = [(value, loc)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return where
        elif isinstance(item, dict):
            for key, sub in item.items():
                if NUL in key:
                    return [*where, key.replace(NUL, "\\u0000")]
                stack.append((sub, [*where, key]))
        elif isinstance(item, list):
            stack.extend((sub, [*where, i]) for i, sub in enumerate(item))
    return None


def check_request(request: HttpRequest) -> None:
    """Raise BadInput for a NUL in the query, cookies, headers, form fields, file names or a
    JSON body, or for a JSON body nested deeper than MAX_JSON_DEPTH."""
    nul = NUL_MESSAGE
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in v for v in values):
            raise BadInput(["query", name.replace(NUL, "\\u0000")], nul, ErrorCode.STRING_NUL)
    for name, value in request.COOKIES.items():
        if NUL in name or NUL in value:
            raise BadInput(["cookie", name.replace(NUL, "\\u0000")], nul, ErrorCode.STRING_NUL)
    for name, value in request.headers.items():
        if NUL in value:
            raise BadInput(["header", name], nul, ErrorCode.STRING_NUL)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in v for v in values):
                raise BadInput(["form", name.replace(NUL, "\\u0000")], nul, ErrorCode.STRING_NUL)
        for name, files in request.FILES.lists():
            if any(NUL in (f.name or "") for f in files):
                raise BadInput(["form", name], nul, ErrorCode.STRING_NUL)
    elif (
        content_type == "application/json"
        or content_type.endswith("+json")
        # The API reads a body as JSON whatever its declared type.
        or request.path.startswith(API_PREFIX)
    ):
        body = request.body
        if json_depth_exceeds(body):
            raise BadInput(
                ["body"],
                DEPTH_MESSAGE,
                ErrorCode.JSON_TOO_DEEP,
            )
        try:
            data = json.loads(body)
        except ValueError:
            return  # the API's own parser answers malformed JSON
        where = _nul_in_json(data, ["body"])
        if where is not None:
            raise BadInput(where, nul, ErrorCode.STRING_NUL)


def check_path(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    for name, value in kwargs.items():
        if isinstance(value, str) and NUL in value:
            raise BadInput(["path", name], NUL_MESSAGE, ErrorCode.STRING_NUL)


def refusal(request: HttpRequest, exc: BadInput) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "detail": [
                    {
                        "loc": exc.loc,
                        "msg": exc.msg,
                        "type": exc.type,
                        "code": exc.type,
                        "params": {},
                    }
                ]
            },
            status=422,
        )
    # Deliberately no template: the base template reads the session and user, which a hostile
    # cookie could break.
    field = str(exc.loc[-1]) if len(exc.loc) > 1 else str(exc.loc[0])
    message = _("The field “%(field)s” %(reason)s.") % {"field": field, "reason": _(exc.msg)}
    title = _("Invalid input")
    html = (
        f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title></head><body><main><h1>{escape(title)}</h1><p>{escape(message)}</p>"
        "</main></body></html>"
    )
    return HttpResponse(html, status=400, content_type="text/html; charset=utf-8")


API_ERRORS = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    500: "Internal server error",
}


def json_error_shape(response: HttpResponse) -> HttpResponse:
    """Under /api/, the answers Django gives outside the API's own handlers (an unknown path,
    a method the path does not take, an error page) in the API's JSON error shape."""
    if response.status_code not in API_ERRORS or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    answer = JsonResponse({"detail": API_ERRORS[response.status_code]}, status=response.status_code)
    if "Allow" in response:
        answer["Allow"] = response["Allow"]
    return answer


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as exc:
            return refusal(request, exc)
        except SuspiciousOperation:
            # Too many fields, a body over the size limit, a broken multipart body: Django's
            # 400, in the API's shape under /api/.
            if not request.path.startswith(API_PREFIX):
                raise
            return JsonResponse({"detail": "Bad request"}, status=400)
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return json_error_shape(response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        try:
            check_path(request, view_kwargs)
        except BadInput as exc:
            return refusal(request, exc)
        return None
