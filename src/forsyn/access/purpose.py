"""The purpose a staff member stated for looking at a citizen, kept in the session.

Service-centre staff state why they look at a citizen (the access log records it). The purpose
used to travel in `?purpose=` links, and so into every server's access log next to the citizen's
id. Now it is posted once (in a form body) and kept in the session per citizen for
PURPOSE_TTL from when it was stated; every later page of that citizen reuses it, and after
the TTL the pages ask again. See docs/adr/0013."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from forsyn.access.forms import PurposeForm

SESSION_KEY = "forsyn_purposes"
PURPOSE_TTL = timedelta(minutes=30)
MAX_LENGTH = 200
# A session holds at most this many citizens' purposes: the oldest go first.
MAX_ENTRIES = 200
PURPOSE_TEMPLATE = "access/purpose.html"


def purpose_remember(request: HttpRequest, *, citizen_ids: list[int], purpose: str) -> None:
    """Keep `purpose` for these citizens for PURPOSE_TTL."""
    text = purpose.strip()[:MAX_LENGTH]
    if not text or not citizen_ids:
        return
    expires = (timezone.now() + PURPOSE_TTL).timestamp()
    stored = _live(request)
    for citizen_id in citizen_ids:
        stored[str(citizen_id)] = [text, expires]
    if len(stored) > MAX_ENTRIES:
        stored = dict(sorted(stored.items(), key=lambda kv: kv[1][1])[-MAX_ENTRIES:])
    request.session[SESSION_KEY] = stored


def purpose_stated(request: HttpRequest, citizen_id: int) -> str | None:
    """The purpose for this citizen: one posted with this request (then remembered), else a
    remembered one that has not expired."""
    posted = request.POST.get("purpose", "").strip() if request.method == "POST" else ""
    if posted:
        purpose_remember(request, citizen_ids=[citizen_id], purpose=posted)
        return posted[:MAX_LENGTH]
    entry = _live(request).get(str(citizen_id))
    return str(entry[0]) if entry else None


def _live(request: HttpRequest) -> dict[str, Any]:
    now = timezone.now().timestamp()
    stored = request.session.get(SESSION_KEY) or {}
    return {k: v for k, v in stored.items() if isinstance(v, list) and len(v) == 2 and v[1] > now}


def purpose_page(
    request: HttpRequest, citizen_id: int, *, needs_purpose: bool
) -> tuple[str | None, HttpResponse | None]:
    """The purpose stated for this citizen (posted now or kept in the session), or the page
    asking for one (`access/purpose.html`, in the site's layout). A posted purpose is answered
    with a redirect to the same page, so the purpose never sits in a URL and a reload does not
    post again. `needs_purpose`: the policy's `needs_purpose(ctx)` for the acting person."""
    purpose = purpose_stated(request, citizen_id)
    if request.method == "POST" and "purpose" in request.POST:
        form = PurposeForm(request.POST)
        if not form.is_valid():
            return None, render(request, PURPOSE_TEMPLATE, {"form": form})
        return purpose, redirect(request.path)
    if needs_purpose and not purpose:
        return None, render(request, PURPOSE_TEMPLATE, {"form": PurposeForm()})
    return purpose, None


def purpose_form_page(request: HttpRequest, form: PurposeForm | None = None) -> HttpResponse:
    """The page asking for a purpose (with a posted form's errors, when given)."""
    return render(request, PURPOSE_TEMPLATE, {"form": form or PurposeForm()})
