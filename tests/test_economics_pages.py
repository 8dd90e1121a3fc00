"""Analyst pages: calculations, uploads, downloads; no access for roles with personal data only."""

import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from forsyn.economics.models import ConsumptionRow
from tests import builders as b
from tests import factories as f
from tests.test_economics_cli import CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst() -> Client:
    client = b.logged_in(b.add_staff("analyst", f.service_centre(), username="analyst"))
    return client


def test_only_economics_roles(analyst: Client) -> None:
    assert analyst.get("/analyse/").status_code == 200
    cw = f.make_user("caseworker", f.municipality("751"), username="cw")
    caseworker = Client()
    caseworker.force_login(cw)
    # A role gate: the Danish "no access" page, not a technical 404 (issue #9 §6).
    assert caseworker.get("/analyse/").status_code == 403
    assert caseworker.get("/analyse/business-case/").status_code == 403
    assert Client().get("/analyse/").status_code == 302
    assert analyst.get("/analyse/unknown/").status_code == 404


def test_analyst_sees_no_personal_data(analyst: Client) -> None:
    citizen = f.CitizenFactory()
    assert analyst.get("/borgere/", {"q": citizen.last_name}).status_code == 403
    assert analyst.get(f"/borgere/{citizen.pk}/").status_code == 403
    home = analyst.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/analyse/"
    assert "Borgere" not in home.content.decode()


def test_business_case_page(analyst: Client) -> None:
    page = analyst.get("/analyse/business-case/").content.decode()
    assert "Urologi 2024" in page  # the example is prefilled
    data = {
        "input_json": page.split('name="input_json"')[1].split(">", 1)[1].split("</textarea>")[0]
    }
    data["input_json"] = data["input_json"].replace("&quot;", '"')
    result = analyst.post("/analyse/business-case/", data).content.decode()
    assert "Break-even-rabat" in result
    assert "0.1070" in result
    assert "<svg" in result


def _case() -> str:
    return json.dumps(
        {
            "name": "Urologi 2024",
            "years": 4,
            "annual_spend": "117600000",
            "one_off_costs": {"project": "2875676"},
            "annual_costs": {"licences": "1225200", "operations": "10644212"},
            "evaluate_discounts": ["0.12"],
        }
    )


def _require_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango is a system library
        if os.environ.get("FORSYN_REQUIRE_SYSTEM_DEPS") == "1":
            raise
        pytest.skip(f"WeasyPrint cannot load its system libraries: {exc}")


def test_business_case_downloads(analyst: Client) -> None:
    xlsx = analyst.post("/analyse/business-case/", {"input_json": _case(), "format": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="business-case.xlsx"'
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Scenarier", "Pr. år"]
    assert list(book["Scenarier"].iter_rows(values_only=True)) == [
        ("Rabat", "Årlig besparelse", "Nettogevinst i alt"),
        ("0.12", 14112000, 6094676),
    ]
    _require_weasyprint()
    pdf = analyst.post("/analyse/business-case/", {"input_json": _case(), "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_uploaded_json_file_and_errors(analyst: Client) -> None:
    upload = SimpleUploadedFile("case.json", _case().encode(), content_type="application/json")
    assert "0.1070" in analyst.post("/analyse/business-case/", {"file": upload}).content.decode()
    bad = analyst.post("/analyse/business-case/", {"input_json": '{"name": "x", "years": "many"}'})
    assert "years: &#x27;many&#x27; er ikke et helt tal" in bad.content.decode()
    empty = analyst.post("/analyse/fordeling/", {"input_json": ""}).content.decode()
    assert "Angiv input som tekst eller som fil." in empty
    broken = analyst.post("/analyse/udligning/", {"input_json": "{"}).content.decode()
    assert "input: er ikke gyldig JSON (linje 1, kolonne 2" in broken


def test_allocation_page(analyst: Client) -> None:
    body = json.dumps(
        {
            "amount": "3040000",
            "key": "parties",
            "parties": [{"id": "751", "kind": "municipality"}, {"id": "1082", "kind": "region"}],
        }
    )
    page = analyst.post("/analyse/fordeling/", {"input_json": body}).content.decode()
    assert "1520000,00" in page  # Danish decimal comma


def test_consumption_upload_errors_then_success(analyst: Client) -> None:
    bad = CSV + b"Atlantis;5700000000011;x;stk;1;1;1;2022\n"
    page = analyst.post(
        "/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", bad)}
    ).content.decode()
    assert "1 fejl: intet blev importeret." in page
    assert "&#x27;Atlantis&#x27; is not a municipality or region" in page
    assert ConsumptionRow.objects.count() == 0
    ok = analyst.post(
        "/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CSV)}
    ).content.decode()
    assert "5 rækker importeret, 2 markeret." in ok
    volumes = analyst.get("/analyse/forbrug/", {"year": "2022"}).content.decode()
    assert "5700000000011" in volumes
    export = analyst.get("/analyse/forbrug/", {"clean": "csv"})
    assert export.content.decode("utf-8-sig").splitlines()[0].startswith("batch;row;party")
    wrong_type = analyst.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.pdf", b"%PDF")})
    assert "Upload en .csv- eller .xlsx-fil." in wrong_type.content.decode()


def test_equalization_from_consumption(analyst: Client) -> None:
    analyst.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CSV)})
    page = analyst.post(
        "/analyse/udligning/",
        {
            "source": "consumption",
            "fc-year": "2022",
            "fc-prices_on": "2025-06-01",
            "fc-cap": "12000000",
            "fc-key": "savings",
        },
    ).content.decode()
    assert "Region 1082" in page
    assert "Ingen kontraktpris for disse produkter" in page


def test_gains_page(analyst: Client) -> None:
    analyst.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CSV)})
    page = analyst.get(
        "/analyse/gevinster/", {"baseline_year": "2022", "expected_discount": "0.12"}
    )
    assert "Forventet, alle parter" in page.content.decode()
    invalid = analyst.get("/analyse/gevinster/", {"baseline_year": "x", "expected_discount": "2"})
    assert invalid.status_code == 200
    assert "form-error-message" in invalid.content.decode()


def test_calculation_addresses_are_danish_and_the_old_ones_moved_for_good(analyst: Client) -> None:
    index = analyst.get("/analyse/").content.decode()
    assert [
        href
        for href in ("/analyse/business-case/", "/analyse/fordeling/", "/analyse/udligning/")
        if f'href="{href}"' in index
    ] == ["/analyse/business-case/", "/analyse/fordeling/", "/analyse/udligning/"]
    assert 'href="/analyse/allocation/"' not in index
    assert 'href="/analyse/equalization/"' not in index
    for old, new in (("allocation", "fordeling"), ("equalization", "udligning")):
        # A bookmark: 301 for everyone (the address reveals nothing), the query kept.
        moved = Client().get(f"/analyse/{old}/", {"x": "1"})
        assert (moved.status_code, moved["Location"]) == (301, f"/analyse/{new}/?x=1")
        assert analyst.get(f"/analyse/{new}/").status_code == 200
        # A form posted to the old address keeps its method and body (308).
        posted = analyst.post(f"/analyse/{old}/", {"input_json": "{}"})
        assert (posted.status_code, posted["Location"]) == (308, f"/analyse/{new}/")
    assert analyst.get("/analyse/business-case/").status_code == 200


def test_flagged_rows_give_their_reason_in_danish(analyst: Client) -> None:
    from django.utils import translation

    analyst.post("/analyse/forbrug/", {"file": SimpleUploadedFile("f.csv", CSV)})
    horsens = ConsumptionRow.objects.get(row_number=4)
    # The row keeps the English text (the CLI, the export) and its numbers.
    assert horsens.flag == (
        "price per piece 297.0000 is 30.2 × the median 9.8500 for this product: check the unit"
    )
    assert horsens.flag_params == {"price": "297.0000", "ratio": "30.2", "median": "9.8500"}
    page = analyst.get("/analyse/forbrug/").content.decode()
    assert (
        "<td>stykprisen 297,0000 er 30,2 × medianen 9,8500 for dette produkt: tjek enheden</td>"
        in page
    )
    assert "price per piece" not in page
    with translation.override("en"):
        assert horsens.flag_reason == horsens.flag
    # A flag stored without its numbers is shown as it was stored.
    ConsumptionRow.objects.filter(pk=horsens.pk).update(flag_params={})
    horsens.refresh_from_db()
    assert horsens.flag_reason == horsens.flag


def test_rows_flagged_before_get_their_numbers_back() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("forsyn.economics.migrations.0003_consumption_flag_params")
    from forsyn.economics.services import consumption_import

    consumption_import(file_name="f.csv", data=CSV)
    ConsumptionRow.objects.update(flag_params={})
    ConsumptionRow.objects.filter(row_number=2).update(flag="checked by hand")
    migration.read_back(apps, None)
    assert dict(
        ConsumptionRow.objects.exclude(flag="").values_list("row_number", "flag_params")
    ) == {
        2: {},
        4: {"price": "297.0000", "ratio": "30.2", "median": "9.8500"},
        5: {"price": "0.0100", "ratio": "0.0", "median": "9.8500"},
    }


def test_every_problem_of_an_input_is_shown(analyst: Client) -> None:
    page = analyst.post(
        "/analyse/business-case/", {"input_json": '{"name": "", "years": "many"}'}
    ).content.decode()
    for problem in (
        "name: skal være en tekst, der ikke er tom",
        "years: &#x27;many&#x27; er ikke et helt tal",
        "annual_spend: skal udfyldes",
    ):
        assert problem in page
