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
from forsyn.saml.services import portal_user_for

log = logging.getLogger(__name__)


def _auth(request: HttpRequest) -> OneLogin_Saml2_Auth:
    return OneLogin_Saml2_Auth(sp.request_data(request), sp.saml_settings(request))


def saml_login(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    try:
        auth = _auth(request)
    except sp.NotConfigured:
        return render(request, "saml/not_configured.html", status=503)
    redirect_to = auth.login(return_to=next_url or reverse("portal:home"))
    request.session["saml_request_id"] = auth.get_last_request_id()
    return HttpResponseRedirect(redirect_to)


@csrf_exempt  # the IdP posts here; the signed response and InResponseTo protect it
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    try:
        auth = _auth(request)
    except sp.NotConfigured:
        raise Http404 from None
    auth.process_response(request_id=request.session.pop("saml_request_id", None))
    errors = auth.get_errors()
    if errors or not auth.is_authenticated():
        # The reason goes to the log (no personal data in it), a plain message to the user.
        log.warning("SAML response rejected: %s (%s)", errors, auth.get_last_error_reason())
        return render(request, "saml/failed.html", status=403)
    attributes: dict[str, list[str]] = auth.get_attributes()
    cpr = (attributes.get(testidp.CPR_ATTRIBUTE) or [""])[0]
    name = (attributes.get(testidp.NAME_ATTRIBUTE) or [""])[0]
    user = portal_user_for(cpr=cpr, full_name=name)
    if user is None:
        return render(request, "saml/failed.html", status=403)
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
