"""Pages in their apps and a site shell (issue #9 §6, docs/adr/0021): `forsyn.web` is gone, the
shell is `forsyn.site` on top of the layers, no app uses a template of a higher app, and the
trial findings stay fixed (staff wording, delivery labels, Danish times, a quiet 403)."""

import datetime as dt
import importlib.util
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.test import Client

from forsyn.audit.models import AccessLogEntry
from forsyn.core.models import JobRun
from forsyn.grants.models import GrantEvent
from forsyn.orders.models import Order
from forsyn.organisations.models import User
from forsyn.site.templatetags.site_forms import control_class
from tests import factories as f

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "forsyn"
# The shell's templates every app may extend or include (its public interface).
SHELL = {"base.html", "_field.html", "_form_errors.html", "_pager.html"}


# -- the layout --------------------------------------------------------------------------------


def test_web_is_gone_and_the_site_shell_is_on_top() -> None:
    assert importlib.util.find_spec("forsyn.web") is None
    assert not (SRC / "web").exists()
    assert not (SRC / "templates").exists()  # every template lives in an app
    import site as stdlib_site

    import forsyn.site

    # forsyn.site does not shadow the standard library's site module outside the package.
    assert forsyn.site.__name__ == "forsyn.site"
    assert hasattr(stdlib_site, "getsitepackages")
    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ][0]["layers"]
    assert layers[:2] == ["forsyn.site", "forsyn.demo"]
    assert "forsyn.web" not in str(layers)


def _layer_of() -> dict[str, int]:
    """App name → its layer's index (0 is the top: site)."""
    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ][0]["layers"]
    return {
        name.strip().removeprefix("forsyn."): i
        for i, layer in enumerate(layers)
        for name in layer.split("|")
    }


def _owner_of_templates() -> dict[str, str]:
    """Template name → the app whose templates/ holds it."""
    owners: dict[str, str] = {}
    for templates in SRC.glob("*/templates"):
        for path in templates.rglob("*"):
            if path.is_file():
                owners[str(path.relative_to(templates))] = templates.parent.name
    return owners


TEMPLATE_REF = re.compile(r'{%\s*(?:include|extends)\s+"([^"]+)"')
PY_TEMPLATE_REF = re.compile(r'"([\w/]+\.(?:html|txt))"')


def test_no_app_uses_a_template_of_a_higher_app() -> None:
    """An app's templates and views use their own templates, those of lower apps, and the
    shell's public ones (`SHELL`); never a higher app's (as `orders` once used the site's purpose
    page). Apps outside the layers (saml) may use the shell only."""
    layer, owners = _layer_of(), _owner_of_templates()
    wrong = []
    for app_dir in sorted(p for p in SRC.iterdir() if p.is_dir() and p.name != "site"):
        app = app_dir.name
        sources = [(p, TEMPLATE_REF) for p in app_dir.glob("templates/**/*") if p.is_file()]
        sources += [(p, PY_TEMPLATE_REF) for p in app_dir.rglob("*.py")]
        for path, pattern in sources:
            for name in pattern.findall(path.read_text()):
                owner = owners.get(name)
                assert owner is not None, f"{path}: {name} does not exist"
                if owner == app or name in SHELL:
                    continue
                if app in layer and owner in layer and layer[owner] > layer[app]:
                    continue  # a lower layer's template
                wrong.append(f"{path.relative_to(SRC)} uses {name} ({owner})")
    assert wrong == []


def test_the_pages_live_in_their_apps() -> None:
    from django.urls import resolve

    where = {path: resolve(path).func.__module__ for path in (
        "/", "/login/", "/koersler/", "/tilgaengelighed/", "/borgere/", "/borgere/1/",
        "/borgere/1/adgangslog/", "/borgere/1/bevillinger/ny/", "/bevillinger/1/",
        "/bevillinger/1/rediger/", "/bevillinger/1/status/", "/produkter/", "/godkendelser/",
        "/afdelingslager/", "/borger/",
    )}  # fmt: skip
    assert where == {
        "/": "forsyn.site.views",
        "/login/": "django.contrib.auth.views",
        "/koersler/": "forsyn.site.jobs",
        "/tilgaengelighed/": "forsyn.site.views",
        "/borgere/": "forsyn.citizens.views",
        "/borgere/1/": "forsyn.fulfilment.citizen_page",
        "/borgere/1/adgangslog/": "forsyn.citizens.views",
        "/borgere/1/bevillinger/ny/": "forsyn.grants.views",
        "/bevillinger/1/": "forsyn.grants.views",
        "/bevillinger/1/rediger/": "forsyn.grants.views",
        "/bevillinger/1/status/": "forsyn.grants.views",
        "/produkter/": "forsyn.catalogue.views",
        "/godkendelser/": "forsyn.orders.views",
        "/afdelingslager/": "forsyn.orders.views",
        "/borger/": "forsyn.orders.views",
    }


# -- the one form-styling helper ---------------------------------------------------------------


class _Sample(forms.Form):
    text = forms.CharField(max_length=5)
    choice = forms.ChoiceField(choices=[("a", "A")])
    flag = forms.BooleanField(required=False)
    narrow = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "form-input w-xs"}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    upload = forms.FileField(required=False)


def test_one_helper_styles_every_field_through_the_field_partial() -> None:
    form = _Sample()
    assert {name: control_class(field.widget) for name, field in form.fields.items()} == {
        "text": "form-input",
        "choice": "form-select",
        "flag": "form-checkbox",
        "narrow": "form-input",
        "hidden": "",
        "upload": "",
    }
    html = Template('{% for field in form %}{% include "_field.html" %}{% endfor %}').render(
        Context({"form": form})
    )
    assert '<input type="text" name="text" maxlength="5" class="form-input" required' in html
    assert '<select name="choice" class="form-select" id="id_choice">' in html
    assert '<input type="checkbox" name="flag" class="form-checkbox"' in html
    assert 'class="form-input w-xs"' in html  # a class the form sets on purpose is kept
    assert '<input type="file" name="upload" id="id_upload">' in html
    # No app form styles itself any more: the helper is the one place.
    styling = re.compile(r"""attrs\.setdefault\(\s*"class"|def _style\(""")
    assert [p.name for p in SRC.rglob("forms.py") if styling.search(p.read_text())] == []


# -- trial findings ----------------------------------------------------------------------------


@pytest.fixture
def w() -> dict[str, Any]:
    aarhus = f.municipality("751")
    citizen = f.CitizenFactory(municipality=aarhus, cpr="0101551234", first_name="Karen")
    bag = f.ProductFactory(gtin="5700000000011", pieces_per_unit=30)
    grant = f.GrantFactory(citizen=citizen, valid_from=dt.date(2025, 1, 15))
    f.GrantLineFactory(grant=grant, product=bag, pieces_per_month=60)
    f.participate(aarhus)
    return {
        "citizen": citizen,
        "grant": grant,
        "cw": f.make_user("caseworker", aarhus, username="cw"),
        "agent": f.make_user("service_agent", f.service_centre(), username="agent"),
        "portal": User.objects.create_user(username="borger-1", cpr="0101551234"),
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


pytestmark = pytest.mark.django_db


def test_staff_ordering_for_a_citizen_see_wording_about_the_citizen(w: dict[str, Any]) -> None:
    citizen = w["citizen"].pk
    agent = _client(w["agent"])
    assert agent.post(f"/borger/{citizen}/", {"purpose": "Borger ringer"}).status_code == 302
    staff_page = agent.get(f"/borger/{citizen}/").content.decode()
    for text in ("Borgerens produkter", "Borgerens bestillinger", "Borgeren kan bestille 180 stk"):
        assert text in staff_page
    for text in ("Mine produkter", "Mine bestillinger", "Du kan bestille"):
        assert text not in staff_page
    history = agent.get(f"/borger/{citizen}/bestillinger/").content.decode()
    assert "<h1>Borgerens bestillinger</h1>" in history
    assert "Mine bestillinger" not in history

    own_page = _client(w["portal"]).get(f"/borger/{citizen}/").content.decode()
    assert "<h1>Mine produkter</h1>" in own_page
    assert "Du kan bestille 180 stk" in own_page
    assert "Borgerens produkter" not in own_page


def test_other_address_fields_say_when_they_are_required(w: dict[str, Any]) -> None:
    client = _client(w["portal"])
    page = client.get(f"/borger/{w['citizen'].pk}/").content.decode()
    for label in ("Navn", "Gade og nummer", "Postnummer", "By"):
        assert (
            f'{label} <span class="weight-normal">(skal udfyldes ved anden adresse)</span>' in page
        )
    assert 'Pakkeboks <span class="weight-normal">(skal vælges ved pakkeboks)</span>' in page
    assert "(valgfri)" not in page
    # Chosen, they are required: each empty one is named, and nothing is ordered.
    refused = client.post(
        f"/borger/{w['citizen'].pk}/bekraeft/",
        {"units-5700000000011": "1", "delivery_type": "other_address"},
    )
    assert refused.status_code == 422
    assert refused.context["delivery_form"].errors == {
        "name": ["skal udfyldes ved en anden adresse"],
        "street": ["skal udfyldes ved en anden adresse"],
        "postcode": ["et dansk postnummer har 4 cifre"],
        "city": ["skal udfyldes ved en anden adresse"],
    }
    locker = client.post(
        f"/borger/{w['citizen'].pk}/bekraeft/",
        {"units-5700000000011": "1", "delivery_type": "parcel_locker"},
    )
    assert locker.context["delivery_form"].errors == {"parcel_locker": ["vælg en pakkeboks"]}
    assert Order.objects.count() == 0


def test_staff_pages_show_danish_local_times(w: dict[str, Any]) -> None:
    # 13:03 UTC on 25 November is 14:03 in Copenhagen.
    at = dt.datetime(2026, 11, 25, 13, 3, 7, tzinfo=dt.UTC)
    order = f.order_pieces(w["grant"].lines.get(), 30, at=at).order
    Order.objects.filter(pk=order.pk).update(channel="phone", acting_for="agent (FSC)")
    event = GrantEvent.objects.create(grant=w["grant"], kind="changed", summary="x", changes={})
    GrantEvent.objects.filter(pk=event.pk).update(at=at)  # `at` is set on insert
    run = JobRun.objects.create(kind="statistics", started_by=w["cw"])
    JobRun.objects.filter(pk=run.pk).update(created_at=at)
    cw = _client(w["cw"])
    citizen_page = cw.get(f"/borgere/{w['citizen'].pk}/").content.decode()
    assert "<td>25.11.2026 14:03</td>" in citizen_page
    # The access log is append-only (PostgreSQL refuses an UPDATE): read it at that moment.
    with time_machine.travel(at, tick=False):
        log_page = _client(w["cw"]).get(f"/borgere/{w['citizen'].pk}/adgangslog/").content.decode()
    assert AccessLogEntry.objects.filter(at=at).count() == 1
    assert "<td>25.11.2026 14:03:07</td>" in log_page
    grant_page = cw.get(f"/bevillinger/{w['grant'].pk}/").content.decode()
    assert "<td>25.11.2026 14:03</td>" in grant_page
    jobs_page = cw.get("/koersler/").content.decode()
    assert "<td>25.11.2026 14:03</td>" in jobs_page
    for page in (citizen_page, log_page, grant_page, jobs_page):
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", page), "an ISO date on a staff page"


def test_the_caseworkers_citizen_page_lists_orders_with_status_channel_and_who(
    w: dict[str, Any],
) -> None:
    order = f.order_pieces(w["grant"].lines.get(), 30).order
    Order.objects.filter(pk=order.pk).update(
        status="awaiting_approval", channel="phone", acting_for="Agent A (Fælles Service Center)"
    )
    page = _client(w["cw"]).get(f"/borgere/{w['citizen'].pk}/").content.decode()
    # The order number links to its fulfilment timeline.
    row = re.search(
        rf"<td><a href=\"/ordrer/{order.pk}/forloeb/\">{order.pk}</a></td>(.*?)</tr>", page, re.S
    )
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row[1], re.S)]
    assert cells[1:] == [
        "Afventer godkendelse",
        "Servicecenter, telefon",
        "Agent A (Fælles Service Center)",
        f"1 × {w['grant'].lines.get().product.name}",
    ]


def test_a_refused_page_logs_one_line_without_a_traceback(
    w: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    analyst = f.make_user("analyst", f.service_centre())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = _client(analyst).get("/borgere/")
    assert response.status_code == 403
    assert "<h1>Du har ikke adgang</h1>" in response.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /borgere/")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_an_error_that_is_not_a_denial_keeps_its_traceback() -> None:
    from forsyn.core.logfilters import DenialWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", 40, "x", 1, "Internal", (), sys.exc_info())
    record.status_code = 500
    assert DenialWithoutTraceback().filter(record) is True
    assert record.exc_info is not None


def test_times_are_local_and_danish_whatever_the_language() -> None:
    template = Template(
        "{% load local_time %}{{ at|local_datetime }} · {{ at|local_datetime:'seconds' }} · "
        "{{ day|local_date }} · {{ none|local_datetime }}"
    )
    at = dt.datetime(2026, 7, 1, 9, 5, 2, tzinfo=dt.UTC)
    rendered = template.render(Context({"at": at, "day": dt.date(2025, 1, 15), "none": None}))
    assert rendered == "01.07.2026 11:05 · 01.07.2026 11:05:02 · 15.01.2025 · "
