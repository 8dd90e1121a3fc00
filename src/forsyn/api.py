"""The JSON API under /api/v1/: mounts each app's router; bearer-token authentication."""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from forsyn.catalogue.api import router as catalogue_router
from forsyn.citizens.api import router as citizens_router
from forsyn.contracts.api import router as contracts_router
from forsyn.core.api import LocalSwagger, field_errors
from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.fulfilment.api import router as fulfilment_router
from forsyn.grants.api import router as grants_router
from forsyn.orders.api import router as orders_router
from forsyn.organisations.api import router as organisations_router
from forsyn.organisations.selectors import user_for_token

log = logging.getLogger(__name__)


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
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
    fields = exc.fields or {"__all__": exc.message}
    return api.create_response(request, field_errors(fields), status=422)


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


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Pydantic's context may hold exception objects; keep only what serializes.
    detail = [
        {
            "loc": list(e.get("loc", [])),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
