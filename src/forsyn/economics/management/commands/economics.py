import argparse
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.economics.allocation import allocate_input
from forsyn.economics.business_case import evaluate, parse_business_case
from forsyn.economics.consumption import MAX_FILE_BYTES
from forsyn.economics.equalization import equalize_input
from forsyn.economics.errors import InputError
from forsyn.economics.exports import to_csv, to_xlsx
from forsyn.economics.parsing import MAX_INPUT_BYTES, decimal_of, load_json_input
from forsyn.economics.services import (
    consumption_import,
    equalization_input_from_consumption,
    realised_gains,
    tender_volumes,
    usable_rows,
)

CLEAN_HEADER = [
    "batch",
    "row",
    "party",
    "product_number",
    "gtin",
    "description",
    "unit",
    "pieces_per_unit",
    "quantity",
    "price_per_unit",
    "pieces",
    "price_per_piece",
    "amount",
    "year",
    "flag",
]


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _read_json(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise _fail("input: is larger than 1 MB")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"input: cannot read {path}: {exc.strerror}") from None
    except ValueError:  # a NUL in the path
        raise _fail("input: the path may not contain a NUL character") from None
    except UnicodeDecodeError:
        raise _fail(f"input: {path} is not UTF-8 text") from None
    if not text.strip():
        raise _fail(f"input: {path} is empty")
    try:
        return load_json_input(text)
    except InputError as exc:
        raise _fail(str(exc)) from None


def _decimal(text: str, field: str) -> Decimal:
    try:
        return decimal_of(text, field)
    except InputError as exc:
        raise _fail(str(exc)) from None


def _year(text: str) -> int:
    """A year option: 2000–2100 (a 30-digit number would overflow the database query)."""
    if not (text.isdecimal() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a year from 2000 to 2100")
    return int(text)


def _id(text: str) -> int:
    if not (text.isdecimal() and len(text) <= 18):
        raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a batch number")
    return int(text)


class Command(BaseCommand):
    help = "Economics: business cases, cost allocation, equalization, consumption data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("business-case", "break-even discount and scenarios"),
            ("allocate", "split an amount among parties by a key"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("--input", type=Path, required=True)
        p = sub.add_parser("equalize", help="equalization between region and municipalities")
        p.add_argument("--input", type=Path, help="EQ.json")
        p.add_argument(
            "--from-consumption",
            type=_year,
            metavar="YEAR",
            help="build the input from imported consumption data of YEAR",
        )
        p.add_argument("--prices-on", type=dt.date.fromisoformat, help="contract prices on DATE")
        p.add_argument("--cap", default="12000000", help="cap per region (with --from-consumption)")
        p.add_argument("--key", default="savings", help="savings, citizens, population or equal")
        p = sub.add_parser("import-consumption", help="import a consumption file (CSV or XLSX)")
        p.add_argument("file", type=Path)
        p.add_argument(
            "--accept-flagged",
            action="store_true",
            help="the flagged rows were reviewed and are correct",
        )
        p.add_argument("--flag-factor", default="3")
        p = sub.add_parser("export-consumption", help="the cleaned data (CSV or XLSX by suffix)")
        p.add_argument("--output", type=Path, required=True)
        p.add_argument("--year", type=_year)
        p.add_argument("--batch", type=_id)
        p = sub.add_parser("tender-volumes", help="total pieces per product per lot")
        p.add_argument("--year", type=_year, required=True)
        p = sub.add_parser("realised-gains", help="realised versus expected gain per party")
        p.add_argument("--baseline-year", type=_year, required=True)
        p.add_argument("--expected-discount", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            result = getattr(self, "do_" + action.replace("-", "_"))(options)
        except InputError as exc:
            raise _fail(str(exc)) from None
        except ArithmeticError:
            raise _fail("input: the numbers are too large to calculate with") from None
        if result is not None:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def do_business_case(self, options: dict[str, Any]) -> Any:
        return evaluate(parse_business_case(_read_json(options["input"])))

    def do_allocate(self, options: dict[str, Any]) -> Any:
        return allocate_input(_read_json(options["input"]))

    def do_equalize(self, options: dict[str, Any]) -> Any:
        if options["input"] is not None:
            return equalize_input(_read_json(options["input"]))
        if options["from_consumption"] is None or options["prices_on"] is None:
            raise _fail(
                "input: give --input EQ.json, or --from-consumption YEAR and --prices-on DATE"
            )
        data = equalization_input_from_consumption(
            year=options["from_consumption"],
            prices_on=options["prices_on"],
            cap=_decimal(options["cap"], "cap"),
            key=options["key"],
        )
        if not data["parties"]:
            raise _fail(
                f"from-consumption: no usable consumption rows for {options['from_consumption']}"
            )
        missing = data.pop("products_without_contract_price")
        result = equalize_input(data)
        result["products_without_contract_price"] = missing
        return result

    def do_import_consumption(self, options: dict[str, Any]) -> Any:
        path: Path = options["file"]
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _fail(f"file: is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
            data = path.read_bytes()
        except OSError as exc:
            raise _fail(f"file: cannot read {path}: {exc.strerror}") from None
        except ValueError:  # a NUL in the path
            raise _fail("file: the path may not contain a NUL character") from None
        result = consumption_import(
            file_name=path.name,
            data=data,
            accept_flagged=options["accept_flagged"],
            flag_factor=_decimal(options["flag_factor"], "flag-factor"),
        )
        if result.already_imported:
            assert result.batch is not None  # noqa: S101
            self.stdout.write(f"already imported as batch {result.batch.pk}: nothing changed")
            return None
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise _fail(f"file: {len(result.errors)} error(s); nothing imported")
        assert result.batch is not None  # noqa: S101
        for row in result.flagged:
            self.stderr.write(f"row {row.row_number}, price_per_unit: flagged: {row.flag}")
        note = (
            "accepted"
            if options["accept_flagged"]
            else "left out of tender and equalization until accepted"
        )
        self.stdout.write(
            f"batch {result.batch.pk}: {len(result.rows)} row(s) imported, "
            f"{len(result.flagged)} flagged ({note})"
        )
        return None

    def do_export_consumption(self, options: dict[str, Any]) -> Any:
        from forsyn.economics.models import ConsumptionRow

        qs = ConsumptionRow.objects.select_related("party").order_by("batch_id", "row_number")
        if options["year"]:
            qs = qs.filter(year=options["year"])
        if options["batch"]:
            qs = qs.filter(batch_id=options["batch"])
        rows = [
            [
                r.batch_id,
                r.row_number,
                r.party.code,
                r.product_number,
                r.gtin,
                r.description,
                r.unit,
                r.pieces_per_unit,
                r.quantity,
                r.price_per_unit,
                r.pieces,
                r.price_per_piece,
                r.amount,
                r.year,
                r.flag,
            ]
            for r in qs
        ]
        out: Path = options["output"]
        data = (
            to_xlsx([("Forbrug", CLEAN_HEADER, rows)])
            if out.suffix.lower() == ".xlsx"
            else to_csv(CLEAN_HEADER, rows)
        )
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise _fail(f"output: cannot write {out}: {exc.strerror}") from None
        except ValueError:  # a NUL in the path
            raise _fail("output: the path may not contain a NUL character") from None
        self.stdout.write(f"{len(rows)} row(s) written to {out}")
        return None

    def do_tender_volumes(self, options: dict[str, Any]) -> Any:
        return [
            {
                "lot": v.lot,
                "product": v.product_key,
                "description": v.description,
                "pieces": f"{v.pieces.normalize():f}",
                "parties": v.parties,
                "amount": f"{v.amount:.2f}",
            }
            for v in tender_volumes(year=options["year"])
        ]

    def do_realised_gains(self, options: dict[str, Any]) -> Any:
        discount = _decimal(options["expected_discount"], "expected-discount")
        rows = realised_gains(baseline_year=options["baseline_year"], expected_discount=discount)
        if not usable_rows(year=options["baseline_year"]).exists():
            raise _fail(f"baseline-year: no consumption data for {options['baseline_year']}")
        return [
            {
                "party": r.party,
                "year": r.year,
                "realised": f"{r.realised:.2f}",
                "expected": f"{r.expected:.2f}",
                "realised_accumulated": f"{r.realised_accumulated:.2f}",
                "expected_accumulated": f"{r.expected_accumulated:.2f}",
            }
            for r in rows
        ]
