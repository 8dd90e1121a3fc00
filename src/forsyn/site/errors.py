"""Error pages that Django would otherwise draw itself."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF): a Danish page in the site's layout, not Django's technical one.
    The reason stays out of the page (it helps an attacker, not the user)."""
    return render(request, "403_csrf.html", status=403)
