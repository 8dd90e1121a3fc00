from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.contracts.selectors import contract_get
from forsyn.contracts.services import PriceImportError, price_list_import


class Command(BaseCommand):
    help = (
        "Import a supplier's price list (CSV or XLSX with the columns gtin, price, valid_from "
        "and optionally valid_until) into a contract. Every invalid row is reported; if any "
        "row is invalid nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--contract", required=True, help="contract id or reference")

    def handle(self, *args: Any, **options: Any) -> None:
        ref = options["contract"]
        contract = contract_get(contract_id=int(ref)) if ref.isdigit() else None
        if contract is None:
            from forsyn.contracts.models import Contract

            contract = Contract.objects.filter(reference=ref).first()
        if contract is None:
            raise CommandError(f"--contract: no contract '{ref}'", returncode=2)
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"file: cannot read {path}: {exc.strerror}", returncode=2) from None
        try:
            result = price_list_import(contract=contract, data=data, file_name=path.name)
        except PriceImportError as exc:
            for row, column, reason in exc.errors:
                self.stderr.write(f"row {row}, {column}: {reason}")
            raise CommandError(exc.message, returncode=1) from None
        self.stdout.write(
            f"{result.created} price(s) created, {result.closed} earlier price(s) closed, "
            f"{result.unchanged} unchanged"
        )
