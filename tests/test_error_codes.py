"""Error codes users and clients can rely on (issue #9 §4): one ErrorCode enum per app, every
message rendered in Danish from its code, every 422 item with `code` and `params`, and every
code listed in docs/API.md."""

import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from forsyn.core.errors import ErrorCodes, FieldError
from forsyn.fulfilment.error_codes import ErrorCode as FulfilmentCode
from forsyn.fulfilment.errors import RECEIVING_MESSAGES, ReceivingCode
from forsyn.fulfilment.gs1 import ScanErrorCode
from forsyn.orders.error_codes import ErrorCode as OrderCode
from forsyn.orders.models import Order
from forsyn.orders.rules import Refusal
from tests import builders as b
from tests import factories as f
from tests.contexts import ctx
from tests.test_api import Api

APPS = (
    "access",
    "citizens",
    "contracts",
    "core",
    "economics",
    "fulfilment",
    "grants",
    "orders",
    "organisations",
)
ENGLISH_WORDS = (" must ", " the ", " is ", " not ", " order ", "invalid")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def all_codes() -> list[tuple[str, ErrorCodes]]:
    return [
        (app, code)
        for app in APPS
        for code in importlib.import_module(f"forsyn.{app}.error_codes").ErrorCode
    ]


def sample(code: ErrorCodes) -> FieldError:
    """The code's error with a sample value for each placeholder: a number, as a GTIN, a count
    or an id would be (a word would hide an untranslated English one)."""
    return code.error(**{name: 7 for name in PLACEHOLDER.findall(code.message)})


@pytest.mark.parametrize(("app", "code"), all_codes(), ids=lambda v: str(v))
def test_every_error_code_renders_in_danish(app: str, code: ErrorCodes) -> None:
    err = sample(code)
    with translation.override("da"):
        danish = err.text()
    with translation.override("en"):
        english = err.text()
    assert english == err.english()
    assert danish != english, f"{app}.{code} has no Danish translation"
    assert "%(" not in danish
    assert SNAKE.findall(danish) == [], f"{app}.{code} shows an internal code: {danish}"
    padded = f" {danish.lower()} "
    assert [w for w in ENGLISH_WORDS if w in padded] == [], f"{app}.{code}: {danish}"


def test_codes_are_stable_snake_case_and_one_message_each() -> None:
    for app, code in all_codes():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code.value), (app, code)
        assert code.message, (app, code)
    # Two members with one value would silently be one (an enum alias).
    for app in APPS:
        enum = importlib.import_module(f"forsyn.{app}.error_codes").ErrorCode
        assert len(enum.__members__) == len(list(enum)), app


def test_fulfilment_codes_cover_receiving_and_scanning_with_the_same_messages() -> None:
    for code in [*ReceivingCode, *ScanErrorCode]:
        with translation.override("da"):
            assert FulfilmentCode(code).error().text() == str(RECEIVING_MESSAGES[code])


def test_order_refusals_have_error_codes() -> None:
    refusals = {v for k, v in vars(Refusal).items() if k.isupper()}
    assert refusals <= {c.value for c in OrderCode}


def test_a_parameter_is_rendered_in_the_readers_language() -> None:
    from forsyn.grants.choices import GrantStatus
    from forsyn.grants.error_codes import ErrorCode as GrantCode

    err = GrantCode.STATUS_TRANSITION.error(
        status=GrantStatus.ENDED.label, to=GrantStatus.ACTIVE.label
    )
    with translation.override("da"):
        assert err.text() == "en bevilling med status Ophørt kan ikke skifte til Aktiv"
    assert err.english() == "a grant that is Ended cannot become Active"
    assert err.english_params() == {"status": "Ended", "to": "Active"}


def test_docs_list_every_error_code() -> None:
    """docs/API.md has a table row per code: `| app | `code` | message |`. A new code without
    documentation fails here."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "API.md").read_text()
    rows = set(re.findall(r"^\| (\w+) \| `(\w+)` \| (.+?) \|$", doc, re.MULTILINE))
    expected = {(app, code.value, code.message.replace("|", "\\|")) for app, code in all_codes()}
    assert expected - rows == set()
    assert rows - expected == set()


# -- The API: every 422 item carries code and params ------------------------------------------


@pytest.fixture
def w() -> dict[str, Any]:
    world = b.build_world(bag_name="Pose A")
    return {
        "citizen": world.citizen,
        "bag": world.bag,
        "grant": world.grant,
        "cw": b.add_staff("caseworker", world.municipality),
        "agent": b.add_staff("service_agent", f.service_centre()),
    }


def order_body(w: dict, units: int = 1) -> dict[str, Any]:
    return {
        "citizen": w["citizen"].pk,
        "lines": [{"gtin": "5700000000011", "order_units": units}],
        "delivery": {"type": "registered_address"},
        "purpose": "Telefonopkald",
    }


@pytest.mark.django_db
def test_phased_out_product_is_422_with_code_and_params(w: dict) -> None:
    successor = f.ProductFactory(gtin="5700000000028", name="Pose B")
    w["bag"].status, w["bag"].phased_out_on, w["bag"].successor = (
        "phased_out",
        dt.date(2026, 1, 1),
        successor,
    )
    w["bag"].save()
    response = Api(w["agent"]).post("/orders", order_body(w))
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "lines", "0", "gtin"],
                "msg": "Pose A is phased out; order its successor Pose B (5700000000028)",
                "type": "product_replaced",
                "code": "product_replaced",
                "params": {"product": "Pose A", "successor": "Pose B", "gtin": "5700000000028"},
            }
        ]
    }
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_invalid_cpr_is_422_with_code(w: dict) -> None:
    response = Api(w["cw"]).post("/citizens/search", {"cpr": "3213"})
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body", "cpr"],
                    "msg": "is not a valid CPR number (ddmmyy-xxxx)",
                    "type": "cpr_invalid",
                    "code": "cpr_invalid",
                    "params": {},
                }
            ]
        },
    )


@pytest.mark.django_db
def test_purpose_required_is_422_with_code(w: dict) -> None:
    response = Api(w["agent"]).get(f"/citizens/{w['citizen'].pk}")
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body", "purpose"],
                    "msg": "state why you need this citizen's data",
                    "type": "purpose_required",
                    "code": "purpose_required",
                    "params": {},
                }
            ]
        },
    )


@pytest.mark.django_db
def test_grant_status_reason_missing_is_422_with_code(w: dict) -> None:
    response = Api(w["cw"]).patch(f"/grants/{w['grant'].pk}", {"status": "suspended"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        [
            {
                "loc": ["body", "status_reason"],
                "msg": "give a reason for suspending or ending the grant",
                "type": "status_reason_required",
                "code": "status_reason_required",
                "params": {},
            }
        ],
    )
    w["grant"].refresh_from_db()
    assert w["grant"].status == "active"


@pytest.mark.django_db
def test_idempotency_key_reused_is_422_with_code(w: dict) -> None:
    api = Api(w["agent"])
    headers = {**api.headers, "Idempotency-Key": "k-1"}
    first = api.client.post(
        "/api/v1/orders", order_body(w), content_type="application/json", headers=headers
    )
    again = api.client.post(
        "/api/v1/orders", order_body(w, 2), content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 422)
    assert again.json()["detail"] == [
        {
            "loc": ["header", "Idempotency-Key"],
            "msg": "was used before with a different request: use a new key",
            "type": "idempotency_key_reused",
            "code": "idempotency_key_reused",
            "params": {},
        }
    ]


@pytest.mark.django_db
def test_a_number_parameter_stays_a_number(w: dict) -> None:
    response = Api(w["agent"]).get(f"/citizens/{w['citizen'].pk}", purpose="x" * 201)
    assert response.json()["detail"] == [
        {
            "loc": ["body", "purpose"],
            "msg": "at most 200 characters",
            "type": "purpose_too_long",
            "code": "purpose_too_long",
            "params": {"max": 200},
        }
    ]


@pytest.mark.django_db
def test_schema_errors_carry_code_and_params_too(w: dict) -> None:
    response = Api(w["agent"]).post("/orders", order_body(w, units=1000))
    assert response.json()["detail"] == [
        {
            "loc": ["body", "lines", 0, "order_units"],
            "msg": "Input should be less than or equal to 999",
            "type": "less_than_equal",
            "code": "less_than_equal",
            "params": {"le": 999},
        }
    ]


# -- Pages: no English or internal codes where Danish belongs ---------------------------------

SRC = Path(__file__).resolve().parents[1] / "src" / "forsyn"
HTTP_ROUTE = re.compile(r"^(GET|POST|PATCH|PUT|DELETE) /")


def logged_places() -> list[str]:
    """Every literal `resource=` an access-log call site writes, placeholders as 7."""
    found = set()
    for path in SRC.rglob("*.py"):
        for literal in re.findall(r'resource=f?"([^"]+)"', path.read_text()):
            # {'approved' if approve else 'rejected'}: both words
            choice = re.search(r"\{'(\w+)' if \w+ else '(\w+)'\}", literal)
            variants = (
                [literal.replace(choice[0], w) for w in choice.groups()] if choice else [literal]
            )
            found.update(re.sub(r"\{[^}]+\}", "7", v) for v in variants)
    return sorted(found)


ROUTE_WORDS = ("borger", "en ", "godkendelseskø")


def test_every_logged_place_reads_danish_on_the_access_log_page() -> None:
    from forsyn.audit.labels import ROUTES, resource_label

    places = logged_places()
    assert "grant page" in places  # the scan finds them
    assert "7: order 7" in places
    for place in places:
        with translation.override("da"):
            label = resource_label(place)
        if HTTP_ROUTE.match(place):
            # An API route: what was read in Danish, the route after it in brackets.
            route = place.partition(": ")[0]
            if route not in ROUTES:
                assert label == place  # a route without words is shown as it is
                continue
            assert label.startswith(tuple(ROUTE_WORDS)), (place, label)
            assert f"({route})" in label, (place, label)
            continue
        assert label != place, place
        padded = f" {label} "
        assert [w for w in (*ENGLISH_WORDS, " page", "order", "grant ") if w in padded] == []
    with translation.override("da"):
        assert resource_label("approval queue: order 12") == "godkendelseskø: bestilling 12"
        assert resource_label("GET /citizens/{id}: order 12") == (
            "borgerens oplysninger (GET /citizens/{id}): bestilling 12"
        )
        assert resource_label("my products") == "mine produkter"
        assert resource_label("order history") == "bestillingshistorik"
        assert resource_label("GET /somewhere/new") == "GET /somewhere/new"


@pytest.fixture
def page_world() -> dict[str, Any]:
    cw = b.add_staff("caseworker", f.municipality(b.AARHUS), username="cw")
    world = b.build_world(
        participating=False,
        cpr=None,
        bag_name="SenSura Mio lukket pose",
        pieces_per_month=60,
        grant_from=b.GRANTED_ON,
    )
    return {
        "cw": cw,
        "citizen": world.citizen,
        "grant": world.grant,
        "line": world.line,
        "client": b.logged_in(cw),
    }


@pytest.mark.django_db
def test_grant_history_and_access_log_pages_are_danish(page_world: dict) -> None:
    from forsyn.grants.services import GrantLineInput, grant_status_change, grant_update

    w = page_world
    grant = w["grant"]
    f.CategoryFactory(
        code="stoma-1p-drain", name_da="1-delt drænpose", product_area=grant.product_area
    )
    grant_update(
        ctx=ctx(w["cw"]),
        grant_id=grant.pk,
        lines=[
            GrantLineInput(id=w["line"].pk, gtin="5700000000011", pieces_per_month=60),
            GrantLineInput(category="stoma-1p-drain", pieces_per_month=10),
        ],
    )
    grant_status_change(ctx=ctx(w["cw"]), grant_id=grant.pk, status="suspended", reason="Indlagt")
    page = w["client"].get(f"/bevillinger/{grant.pk}/").content.decode()
    assert "Status: Aktiv → Sat i bero" in page
    assert "Linje tilføjet: 1-delt drænpose" in page
    for leak in ("active → suspended", "stoma-1p-drain", "category "):
        assert leak not in page
    log = w["client"].get(f"/borgere/{w['citizen'].pk}/adgangslog/").content.decode()
    assert "Side: bevillingsside" in log
    assert "Side: bevilling " in log  # the grant writes above: "grant 7" → "bevilling 7"
    for leak in ("grant page", ": grant ", "citizen page"):
        assert leak not in log
    # The same page in English reads English.
    with translation.override("en"):
        from forsyn.grants.models import GrantEvent
        from forsyn.grants.templatetags.grant_history import event_text

        status_event = GrantEvent.objects.get(grant=grant, kind="status")
        assert event_text(status_event) == "Status: Active → Suspended"
