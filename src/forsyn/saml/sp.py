"""forsyn as a SAML 2.0 service provider (OIOSAML 3 / NemLog-in), with python3-saml.

The identity provider comes from metadata: FORSYN_SAML_IDP_METADATA (a file path, e.g. NemLog-in's
metadata) or, when FORSYN_TEST_IDP is on, the local test IdP's metadata.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from forsyn.saml import testidp
from forsyn.saml.keys import cert_body, key_pair

SECURITY = {
    "authnRequestsSigned": True,
    "wantAssertionsSigned": True,
    "wantMessagesSigned": False,
    "wantNameId": True,
    "requestedAuthnContext": False,
    "signatureAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "digestAlgorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
    "rejectDeprecatedAlgorithm": True,
}


class NotConfigured(Exception):
    pass


def base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def idp_settings(request: HttpRequest) -> dict[str, Any]:
    path = getattr(settings, "FORSYN_SAML_IDP_METADATA", "")
    if path:
        xml = Path(path).read_text(encoding="utf-8")
    elif testidp.enabled():
        xml = testidp.metadata_xml(base_url(request))
    else:
        raise NotConfigured
    parsed: dict[str, Any] = OneLogin_Saml2_IdPMetadataParser.parse(xml)
    return parsed["idp"]  # type: ignore[no-any-return]


def saml_settings(request: HttpRequest) -> dict[str, Any]:
    key, cert = key_pair("sp")
    root = base_url(request)
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": f"{root}/saml/metadata/",
            "assertionConsumerService": {
                "url": f"{root}/saml/acs/",
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            },
            "NameIDFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            "x509cert": cert_body(cert),
            "privateKey": key,
        },
        "idp": idp_settings(request),
        "security": SECURITY,
    }


def request_data(request: HttpRequest) -> dict[str, Any]:
    return {
        "https": "on" if request.is_secure() else "off",
        "http_host": request.get_host(),
        "script_name": request.path,
        "get_data": request.GET.copy(),
        "post_data": request.POST.copy(),
    }
