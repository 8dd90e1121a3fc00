"""`forsyn fulfilment parse-scan STRING`: what receiving reads from a scan, as JSON."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from forsyn.fulfilment.gs1 import ScanError, parse_scan


class Command(BaseCommand):
    help = "Fulfilment tools (parse-scan)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser(
            "parse-scan",
            help="print GTIN, lot, expiry and serial of a GS1 scan as JSON",
        )
        p.add_argument("scan", help="the scanned text; GS separators as the \\x1d character")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse-scan":
            self._parse_scan(options["scan"])

    def _parse_scan(self, text: str) -> None:
        try:
            result = parse_scan(text)
        except ScanError as exc:
            with translation.override(settings.LANGUAGE_CODE):
                raise CommandError(f"{exc.code}: {exc.message}", returncode=2) from None
        out = {
            "gtin": result.gtin,
            "lot": result.lot,
            "expiry": result.expiry.isoformat(),
            "serial": result.serial,
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
