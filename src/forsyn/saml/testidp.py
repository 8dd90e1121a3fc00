"""A local test identity provider standing in for NemLog-in in the demo and the tests.

It speaks real SAML 2.0 (HTTP-Redirect AuthnRequest in, HTTP-POST signed Response out) with
OIOSAML 3 attribute names, so the service provider runs exactly the code it runs against
NemLog-in. It is reachable only when FORSYN_TEST_IDP is on (the demo turns it on; production
settings never do), and it lets anyone "log in" as any CPR number: never enable it in
production. Signing is done by python3-saml (xmlsec).
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from forsyn.saml.keys import cert_body, key_pair

CPR_ATTRIBUTE = "https://data.gov.dk/model/core/eid/cprNumber"
NAME_ATTRIBUTE = "https://data.gov.dk/model/core/eid/fullName"
LOA_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}


def entity_id(base_url: str) -> str:
    return f"{base_url}/testidp/metadata/"


def metadata_xml(base_url: str) -> str:
    _, cert = key_pair("testidp")
    return render_to_string(
        "saml/xml/idp_metadata.xml",
        {
            "entity_id": entity_id(base_url),
            "cert": cert_body(cert),
            "sso_url": f"{base_url}/testidp/sso/",
        },
    )


def enabled() -> bool:
    return bool(getattr(settings, "FORSYN_TEST_IDP", False))


def parse_authn_request(saml_request: str) -> dict[str, str]:
    """ID, issuer and ACS URL of a deflated, base64-encoded AuthnRequest."""
    xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    issuer = root.find("saml:Issuer", NS)
    return {
        "id": root.get("ID", ""),
        "acs": root.get("AssertionConsumerServiceURL", ""),
        "issuer": issuer.text if issuer is not None and issuer.text else "",
    }


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_response(*, base_url: str, request: dict[str, str], cpr: str, full_name: str) -> str:
    """A SAML Response with a signed assertion for `cpr`, base64-encoded for HTTP-POST."""
    key, cert = key_pair("testidp")
    now = dt.datetime.now(dt.UTC)
    common = {
        "now": _instant(now),
        "issuer": entity_id(base_url),
        "acs": request["acs"],
        "in_response_to": request["id"],
    }
    assertion = render_to_string(
        "saml/xml/assertion.xml",
        {
            **common,
            "id": "_" + secrets.token_hex(16),
            "subject": f"https://data.gov.dk/model/core/eid/person/uuid/{secrets.token_hex(16)}",
            "since": _instant(now - dt.timedelta(minutes=1)),
            "until": _instant(now + dt.timedelta(minutes=5)),
            "audience": request["issuer"],
            "loa": LOA_SUBSTANTIAL,
            "attributes": [(CPR_ATTRIBUTE, cpr), (NAME_ATTRIBUTE, full_name)],
        },
    ).strip()
    signed: Any = OneLogin_Saml2_Utils.add_sign(assertion, key, cert)
    signed_text = signed.decode() if isinstance(signed, bytes) else str(signed)
    if signed_text.startswith("<?xml"):
        signed_text = signed_text.split("?>", 1)[1].lstrip()
    response = render_to_string(
        "saml/xml/response.xml",
        {**common, "id": "_" + secrets.token_hex(16), "assertion": signed_text},
    ).strip()
    return str(OneLogin_Saml2_Utils.b64encode(response))
