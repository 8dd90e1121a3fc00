"""Citizen log-in through SAML (NemLog-in; in the demo the local test IdP)."""

import logging
from typing import Any

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from forsyn.saml import sp, testidp
from forsyn.saml.services import assertion_use, portal_user_for

log = logging.getLogger(__name__)


def _auth(request: HttpRequest) -> OneLogin_Saml2_Auth:
    return OneLogin_Saml2_Auth(sp.request_data(request), sp.saml_settings(request))


# The pending log-in (the AuthnRequest's ID) lives in a signed cookie of its own rather than the
# session: NemLog-in posts the response from another site, and a browser sends a SameSite=Lax
# session cookie with no cross-site POST. Over HTTPS the cookie is SameSite=None; Secure.
PENDING_COOKIE = "forsyn_saml_pending"
PENDING_SALT = "forsyn.saml.pending"
PENDING_MAX_AGE = 15 * 60  # seconds to finish the MitID log-in


def _pending_cookie_options(request: HttpRequest) -> dict[str, Any]:
    secure = request.is_secure()
    return {"path": reverse("saml-acs"), "samesite": "None" if secure else "Lax"}


def saml_login(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    try:
        auth = _auth(request)
    except sp.NotConfigured:
        return render(request, "saml/not_configured.html", status=503)
    response = HttpResponseRedirect(auth.login(return_to=next_url or reverse("portal:home")))
    response.set_signed_cookie(
        PENDING_COOKIE,
        auth.get_last_request_id(),
        salt=PENDING_SALT,
        max_age=PENDING_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        **_pending_cookie_options(request),
    )
    return response


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "saml/failed.html", status=403)


@csrf_exempt  # the IdP posts here; the pending log-in cookie and InResponseTo bind it
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    # Whatever the outcome, the pending log-in is used up.
    response = _acs(request)
    response.delete_cookie(PENDING_COOKIE, **_pending_cookie_options(request))
    return response


def _acs(request: HttpRequest) -> HttpResponse:
    try:
        auth = _auth(request)
    except sp.NotConfigured:
        raise Http404 from None
    # A response is accepted only for the log-in this browser started (InResponseTo), and once.
    # Without a pending request python3-saml would accept an unsolicited response: a captured
    # one would log in again from any browser, or log a victim in as the attacker.
    request_id = request.get_signed_cookie(
        PENDING_COOKIE, default=None, salt=PENDING_SALT, max_age=PENDING_MAX_AGE
    )
    if not request_id:
        log.warning("SAML response rejected: no log-in pending in this browser")
        return _refused(request)
    try:
        auth.process_response(request_id=request_id)
    except Exception as exc:  # damaged input (bad base64, not XML, no SAMLResponse): refuse
        log.warning("SAML response rejected: unreadable (%s)", type(exc).__name__)
        return _refused(request)
    errors = auth.get_errors()
    if errors or not auth.is_authenticated():
        # The reason goes to the log (no personal data in it), a plain message to the user.
        log.warning("SAML response rejected: %s (%s)", errors, auth.get_last_error_reason())
        return _refused(request)
    assertion_id = auth.get_last_assertion_id()
    if not assertion_id or not assertion_use(
        assertion_id=assertion_id, not_on_or_after=auth.get_last_assertion_not_on_or_after()
    ):
        log.warning("SAML response rejected: assertion %s was used before", assertion_id)
        return _refused(request)
    attributes: dict[str, list[str]] = auth.get_attributes()
    cpr = (attributes.get(testidp.CPR_ATTRIBUTE) or [""])[0]
    name = (attributes.get(testidp.NAME_ATTRIBUTE) or [""])[0]
    user = portal_user_for(cpr=cpr, full_name=name)
    if user is None:
        return _refused(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session["saml_name_id"] = auth.get_nameid()
    relay = request.POST.get("RelayState", "")
    if not url_has_allowed_host_and_scheme(relay, allowed_hosts={request.get_host()}):
        relay = reverse("portal:home")
    return HttpResponseRedirect(relay or reverse("portal:home"))


def metadata(request: HttpRequest) -> HttpResponse:
    try:
        settings_ = OneLogin_Saml2_Settings(sp.saml_settings(request), sp_validation_only=True)
    except sp.NotConfigured:
        raise Http404 from None
    xml: Any = settings_.get_sp_metadata()
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


@require_POST
def saml_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:home"))


# -- the test IdP (FORSYN_TEST_IDP only) --------------------------------------------------------


def _require_test_idp() -> None:
    if not testidp.enabled():
        raise Http404


def testidp_metadata(request: HttpRequest) -> HttpResponse:
    _require_test_idp()
    return HttpResponse(
        testidp.metadata_xml(sp.base_url(request)), content_type="application/samlmetadata+xml"
    )


@csrf_exempt  # the test IdP stands for another site (NemLog-in); SAML bindings post across sites
@require_http_methods(["GET", "POST"])
def testidp_sso(request: HttpRequest) -> HttpResponse:
    _require_test_idp()
    saml_request = request.GET.get("SAMLRequest") or request.POST.get("SAMLRequest", "")
    relay = request.GET.get("RelayState") or request.POST.get("RelayState", "")
    try:
        parsed = testidp.parse_authn_request(saml_request)
    except Exception:  # a damaged or missing request: show an error, not a traceback
        return render(request, "saml/failed.html", status=400)
    from forsyn.demo.generate import demo_citizen_logins

    context = {
        "saml_request": saml_request,
        "relay_state": relay,
        "identities": demo_citizen_logins(),
        "error": "",
    }
    if request.method == "POST":
        cpr = request.POST.get("cpr", "").replace("-", "").strip()
        if not (len(cpr) == 10 and cpr.isdigit()):
            context["error"] = "CPR-nummeret skal have 10 cifre."
        else:
            response = testidp.signed_response(
                base_url=sp.base_url(request),
                request=parsed,
                cpr=cpr,
                full_name=request.POST.get("name", "") or "Testborger",
            )
            return render(
                request,
                "saml/post_binding.html",
                {"acs": parsed["acs"], "saml_response": response, "relay_state": relay},
            )
    return render(request, "saml/testidp_login.html", context)
