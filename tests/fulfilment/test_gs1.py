"""GS1 scans: every vector of ../shared/reference/gs1/vectors.json, the forms a scanner sends,
(17) day 00, typed errors, and the parse-scan command."""

import datetime as dt
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from forsyn.fulfilment.gs1 import ScanError, ScanResult, gtin_forms, parse_message, parse_scan
from tests.shared import shared_dir

# ../shared/ beside the checkout (tests/shared.py).
VECTORS_PATH = shared_dir() / "reference/gs1/vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))

# What receiving makes of each vector, by its index: a ScanResult, or the error code. The
# library's vectors are mostly not complete receiving scans: they lack (17) or (01).
EXPECTED_SCAN: dict[int, str] = {
    0: "missing_expiry",  # (15) best-before is not an expiry
    1: "missing_expiry",  # the lot swallowed the date
    2: "missing_expiry",
    3: "missing_expiry",
    4: "missing_expiry",
    5: "missing_gtin",
    6: "missing_gtin",
    7: "missing_expiry",
    8: "missing_gtin",
    9: "missing_gtin",
    10: "missing_gtin",
    11: "missing_gtin",  # a returnable asset, no trade item
    12: "unreadable",
    13: "unreadable",
    14: "missing_lot",
    15: "bad_check_digit",
    16: "missing_expiry",
    17: "unreadable",
    18: "missing_expiry",
}


def _separators(vector: dict) -> tuple[str, ...]:
    return tuple(vector["separator_chars"] or ["\x1d"])


def test_every_vector_has_an_expectation() -> None:
    assert len(VECTORS) == 19
    assert set(EXPECTED_SCAN) == set(range(len(VECTORS)))


@pytest.mark.parametrize("index", range(len(VECTORS)))
def test_vector_elements_as_biip_reads_them(index: int) -> None:
    vector = VECTORS[index]
    expected = vector["biip_5_0_0_parse"]
    if "error" in expected:
        assert not vector["expected_valid"]
        with pytest.raises(ScanError) as caught:
            parse_message(vector["input"], separator_chars=_separators(vector))
        assert caught.value.code == "unreadable"
        assert caught.value.detail == expected["error"]
        return
    message = parse_message(vector["input"], separator_chars=_separators(vector))
    assert message.as_hri() == expected["hri"]
    elements = message.element_strings
    assert [e.ai.ai for e in elements] == [e["ai"] for e in expected["element_strings"]]
    for got, want in zip(elements, expected["element_strings"], strict=True):
        assert got.value == want["value"]
        if "date" in want:
            assert got.date == dt.date.fromisoformat(want["date"])
        assert (got.gtin_error or None) == want.get("gtin_error")
    valid = not any(e.gtin_error for e in elements)
    assert valid == vector["expected_valid"]


@pytest.mark.parametrize("index", range(len(VECTORS)))
def test_vector_as_a_receiving_scan(index: int) -> None:
    vector = VECTORS[index]
    with pytest.raises(ScanError) as caught:
        parse_scan(vector["input"], separator_chars=_separators(vector))
    assert caught.value.code == EXPECTED_SCAN[index]


FULL = ScanResult(gtin="05901234123457", lot="L0329", expiry=dt.date(2027, 5, 31), serial=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(01)05901234123457(17)270531(10)L0329", FULL),
        ("(01)05901234123457(10)L0329(17)270531", FULL),
        ("01059012341234571727053110L0329", FULL),
        ("010590123412345710L0329\x1d17270531", FULL),
        ("]d201059012341234571727053110L0329", FULL),
        ("]C101059012341234571727053110L0329", FULL),
        ("]d2(01)05901234123457(17)270531(10)L0329", FULL),
        ("  ]d201059012341234571727053110L0329\r\n", FULL),  # keyboard-wedge Enter
        ("]Q3https://id.gs1.org/01/05901234123457/10/L0329?17=270531", FULL),
        (
            "010590123412345710L0329\x1d21SER-9\x1d17270531",
            ScanResult("05901234123457", "L0329", dt.date(2027, 5, 31), "SER-9"),
        ),
        # (17) day 00 is the last day of that month, leap years included
        (
            "(01)05901234123457(17)280200(10)A",
            ScanResult("05901234123457", "A", dt.date(2028, 2, 29)),
        ),
        (
            "(01)05901234123457(17)270200(10)A",
            ScanResult("05901234123457", "A", dt.date(2027, 2, 28)),
        ),
        (
            "(01)05901234123457(17)271100(10)A",
            ScanResult("05901234123457", "A", dt.date(2027, 11, 30)),
        ),
    ],
)
def test_scan_forms(text: str, expected: ScanResult) -> None:
    assert parse_scan(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "danish"),
    [
        ("", "empty", "Der blev ikke scannet noget."),
        ("\r\n", "empty", "Der blev ikke scannet noget."),
        ("0" * 301, "too_long", "Scanningen er for lang til at være en GS1-stregkode."),
        ("hello", "unreadable", "Scanningen kunne ikke læses som en GS1-stregkode."),
        (
            "(01)123(17)270531(10)A",
            "unreadable",
            "Scanningen kunne ikke læses som en GS1-stregkode.",
        ),
        (
            "(01)05901234123458(17)270531(10)A",
            "bad_check_digit",
            "GTIN-nummerets kontrolciffer er forkert.",
        ),
        ("(17)270531(10)A", "missing_gtin", "Stregkoden indeholder intet GTIN-nummer (01)."),
        (
            "(01)05901234123457(17)270531",
            "missing_lot",
            "Stregkoden indeholder intet batchnummer (10).",
        ),
        ("05901234123457", "missing_lot", "Stregkoden indeholder intet batchnummer (10)."),
        (
            "(01)05901234123457(10)A",
            "missing_expiry",
            "Stregkoden indeholder ingen udløbsdato (17).",
        ),
        (
            "(01)05901234123457(17)271331(10)A",
            "unreadable",
            "Scanningen kunne ikke læses som en GS1-stregkode.",
        ),
    ],
)
def test_scan_errors_are_typed_and_danish(text: str, code: str, danish: str) -> None:
    with pytest.raises(ScanError) as caught:
        parse_scan(text)
    assert caught.value.code == code
    with translation.override("da"):
        assert caught.value.message == danish


def test_gtin_forms() -> None:
    assert gtin_forms("05901234123457") == ["05901234123457", "5901234123457"]
    assert gtin_forms("00614141123452") == ["00614141123452", "0614141123452", "614141123452"]
    assert gtin_forms("15901234123454") == ["15901234123454"]


def test_parse_scan_command_prints_json() -> None:
    out = StringIO()
    call_command("fulfilment", "parse-scan", "]d201059012341234571727050010L1\x1d21S7", stdout=out)
    assert json.loads(out.getvalue()) == {
        "gtin": "05901234123457",
        "lot": "L1",
        "expiry": "2027-05-31",
        "serial": "S7",
    }


def test_parse_scan_command_refuses_with_code() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("fulfilment", "parse-scan", "(01)05901234123458(17)270531(10)A")
    assert caught.value.returncode == 2
    assert str(caught.value) == "bad_check_digit: GTIN-nummerets kontrolciffer er forkert."


def test_parse_scan_command_exit_code_and_one_line() -> None:
    forsyn = Path(sys.executable).with_name("forsyn")
    ok = subprocess.run(  # noqa: S603
        [str(forsyn), "fulfilment", "parse-scan", "(01)05901234123457(17)270531(10)L0329"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, json.loads(ok.stdout)) == (
        0,
        {"gtin": "05901234123457", "lot": "L0329", "expiry": "2027-05-31", "serial": None},
    )
    bad = subprocess.run(  # noqa: S603
        [str(forsyn), "fulfilment", "parse-scan", "(01)05901234123457(10)L0329"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert (
        bad.stderr == "CommandError: missing_expiry: Stregkoden indeholder ingen udløbsdato (17).\n"
    )
