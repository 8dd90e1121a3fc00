"""The purpose a staff member stated for looking at a citizen, kept in the session.

Service-centre staff state why they look at a citizen (the access log records it). The purpose
used to travel in `?purpose=` links, and so into every server's access log next to the citizen's
id. Now it is posted once (in a form body) and kept in the session per citizen for
PURPOSE_TTL from when it was stated; every later page of that citizen reuses it, and after
the TTL the pages ask again. See docs/adr/0013."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "forsyn_purposes"
PURPOSE_TTL = timedelta(minutes=30)
MAX_LENGTH = 200
# A session holds at most this many citizens' purposes: the oldest go first.
MAX_ENTRIES = 200


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
