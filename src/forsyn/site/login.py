"""Staff log-in throttling with django-axes (docs/adr/0012).

axes records every failed password log-in (AccessAttempt: a counter per account, address and
browser; AccessFailureLog: one row per failure) and refuses log-ins while locked. forsyn adds:
a separate, higher limit per client address (many staff share a municipality's address), the
Danish lock-out page, a WARNING line per failure without the typed name in clear unless it is a
real account, and no CPR number stored when someone types one into the username field.
"""

import hashlib
import hmac
import logging
import re
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forsyn.organisations.models import User

log = logging.getLogger("forsyn.login")

CPR_LIKE = re.compile(r"\d{6}-?\d{4}")


def _digest(value: str) -> str:
    """A keyed digest: the same typed name gives the same value, and it cannot be reversed
    without the secret key (a dictionary of all CPR numbers is small)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name axes counts and stores. A citizen who types a CPR number on the staff page gets a
    digest stored instead (per number, so counting still works); real usernames stay as typed."""
    field = "username"
    value = credentials.get(field) if credentials else request.POST.get(field)
    if value is None:
        return None
    value = str(value)
    if CPR_LIKE.search(value):
        return "masked-" + _digest(value)
    return value


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind FORSYN_LOGIN_PROXY_COUNT reverse proxies
    the address the outermost trusted proxy appended to X-Forwarded-For (earlier entries are
    the client's own claim and may be forged)."""
    proxies = settings.FORSYN_LOGIN_PROXY_COUNT
    remote: str | None = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    total: int | None = attempts.aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class LoginThrottle(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler with two limits: FORSYN_LOGIN_FAILURE_LIMIT failures on one
    account, FORSYN_LOGIN_IP_FAILURE_LIMIT from one address across accounts."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = attempted_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if by_address >= settings.FORSYN_LOGIN_IP_FAILURE_LIMIT:
            # Reported on the account's scale, so axes' one limit locks the address out.
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        typed = attempted_username(request, credentials) or ""
        known = bool(typed) and User.objects.filter(username=typed).exists()
        # Unknown names are digested: people type passwords and CPR numbers into this field.
        who = typed if known else "unknown:" + _digest(typed)
        if getattr(request, "axes_locked_out", False):
            log.warning(
                "Staff log-in locked out: account %s, address %s, path %s",
                who,
                request.axes_ip_address,
                request.axes_path_info,
            )
        else:
            log.warning(
                "Staff log-in failed: account %s, address %s, path %s",
                who,
                request.axes_ip_address,
                request.axes_path_info,
            )


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The log-in page with the lock-out message (429), in the site's layout."""
    return render(
        request,
        "site/login_locked.html",
        {"minutes": settings.FORSYN_LOGIN_COOLOFF_MINUTES},
        status=429,
    )
