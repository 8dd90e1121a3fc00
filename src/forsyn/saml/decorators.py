"""The citizen portal's log-in guard: citizens log in with MitID, never with a staff password."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def portal_login_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Like login_required, but an anonymous visitor (a citizen whose session ended, or who
    opens a bookmarked /borger/ page) is sent to the portal's log-in page, which offers
    "Log ind med MitID" (and a link for staff), with `next` set to come back. A form post
    returns to the page it came from, not to the post-only address."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            back = request.get_full_path()
        else:
            back = _page_for_post(request)
        return HttpResponseRedirect(reverse("portal:home") + "?" + urlencode({"next": back}))

    return guarded


def _page_for_post(request: HttpRequest) -> str:
    match = request.resolver_match
    citizen_id = match.kwargs.get("citizen_id") if match else None
    if citizen_id is None:
        return reverse("portal:home")
    return reverse("portal:products", kwargs={"citizen_id": citizen_id})
