"""The JSON API under /api/v1/: mounts each app's router; bearer-token authentication."""

import logging
import traceback
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from forsyn.access.context import AccessContext, Channel, remember_context
from forsyn.catalogue.api import router as catalogue_router
from forsyn.citizens.api import router as citizens_router
from forsyn.contracts.api import router as contracts_router
from forsyn.core.api import ErrorOut, LocalSwagger, field_errors
from forsyn.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from forsyn.fulfilment.api import router as fulfilment_router
from forsyn.grants.api import router as grants_router
from forsyn.orders.api import router as orders_router
from forsyn.organisations.api import router as organisations_router
from forsyn.organisations.selectors import user_for_token

log = logging.getLogger(__name__)


class BearerAuth(HttpBearer):
    """The token's user, and the request's access context built once with channel `api`
    (`request.auth` is the context; endpoints read it through `access.context`)."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessContext | None:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return remember_context(request, AccessContext.for_user(user, channel=Channel.API))


class ForsynAPI(NinjaAPI):
    """The API with its error answers documented: every operation lists 401 (a token is
    required), 422 (invalid input) and 500, and 404 where the path names an object, all in the
    ErrorOut shape (issue #8 §4)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                extra = {401: "Unauthorized", 422: "Invalid input", 500: "Internal server error"}
                if "{" in path:
                    extra[404] = "Not found"
                for status, text in extra.items():
                    answers.setdefault(
                        status,
                        {"description": text, "content": {"application/json": {"schema": ref}}},
                    )
        return schema


api = ForsynAPI(
    title="forsyn API",
    version="1",
    description=(
        "Shared supply of health products to citizens. Authenticate with "
        "`Authorization: Bearer <token>` (`forsyn token create USERNAME`). Reads of a citizen's "
        "data are logged with a purpose: an `X-Purpose` header or a `purpose` field of a request "
        "body, never the URL (required for service-centre staff). Search by CPR with "
        "POST /citizens/search. POST /orders takes an `Idempotency-Key` header: "
        "a retry with the same key returns the first order."
    ),
    urls_namespace="api-v1",
    auth=BearerAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(),
)

api.add_router("/organisations", organisations_router)
api.add_router("/citizens", citizens_router)
api.add_router("/products", catalogue_router)
api.add_router("/products", contracts_router)
api.add_router("", grants_router)
api.add_router("", orders_router, tags=["orders"])
api.add_router("", fulfilment_router, tags=["fulfilment"])


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = exc.problems or [("__all__", FieldError(exc.code, exc.message))]
    return api.create_response(request, field_errors(errors), status=422)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="forsyn"'
    return response


def _loc(loc: list[str | int]) -> list[str | int]:
    """A body field's location as clients see it everywhere (`["body", "lines", 0, "gtin"]`),
    without the name of the view's body parameter that django-ninja puts in between."""
    if len(loc) > 1 and loc[0] == "body" and loc[1] == "payload":
        return [loc[0], *loc[2:]]
    return loc


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Pydantic's context may hold exception objects; keep only what serializes. The code is
    # pydantic's error type (`missing`, `string_too_long` ...), its context the params.
    detail = [
        {
            "loc": _loc(list(e.get("loc", []))),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
            "code": str(e.get("type", "")),
            "params": {
                k: v
                for k, v in (e.get("ctx") or {}).items()
                if isinstance(v, str | int | float | bool)
            },
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unexpected: JSON in the error shape, never Django's HTML page. The log names the
    operation and the code path, not the exception's message, which may quote personal data
    (a database error repeats the values it refused)."""
    match = getattr(request, "resolver_match", None)
    log.error(
        "API %s %s failed with %s\n%s",
        request.method,
        match.route if match else "?",
        type(exc).__name__,
        "".join(traceback.format_tb(exc.__traceback__)),
    )
    return api.create_response(request, {"detail": "Internal server error"}, status=500)
