"""`forsyn fulfilment parse-scan STRING`: what receiving reads from a scan, as JSON.
`forsyn fulfilment simulate-day [--warehouse FSC] [--user USERNAME]`: one warehouse day for the
demo (wave, pick, hole-cut, pack, ship; the local carrier delivers), with a summary."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forsyn.access.context import AccessContext, Channel
from forsyn.access.roles import Role
from forsyn.core.errors import DomainError
from forsyn.fulfilment.gs1 import ScanError, parse_scan
from forsyn.fulfilment.models import Warehouse
from forsyn.fulfilment.simulation import day_simulate
from forsyn.organisations.models import User


class Command(BaseCommand):
    help = "Fulfilment tools (parse-scan)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser(
            "parse-scan",
            help="print GTIN, lot, expiry and serial of a GS1 scan as JSON",
        )
        p.add_argument("scan", help="the scanned text; GS separators as the \\x1d character")
        d = sub.add_parser(
            "simulate-day",
            help="move the demo's orders along one day: wave, pick, cut, pack, ship, deliver",
        )
        d.add_argument("--warehouse", default="FSC", help="the warehouse's code (default FSC)")
        d.add_argument(
            "--user",
            default=None,
            help="the warehouse operator who acts (default: the first of the warehouse's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse-scan":
            self._parse_scan(options["scan"])
        elif options["action"] == "simulate-day":
            self._simulate_day(options["warehouse"], options["user"])

    def _simulate_day(self, code: str, username: str | None) -> None:
        warehouse = Warehouse.objects.filter(code=code).first()
        if warehouse is None:
            raise CommandError(f"unknown warehouse: {code}", returncode=2)
        operators = User.objects.filter(
            is_active=True,
            organisation_id=warehouse.organisation_id,
            roles__role=Role.WAREHOUSE_OPERATOR,
        ).order_by("username")
        if username:
            operators = operators.filter(username=username)
        operator = operators.first()
        if operator is None:
            raise CommandError(f"no warehouse operator of {code} to act", returncode=2)
        ctx = AccessContext.for_user(
            operator, channel=Channel.CLI, purpose="Demo: en dag på lageret"
        )
        now = timezone.now()
        try:
            done = day_simulate(ctx=ctx, warehouse_code=code, at=now)
        except DomainError as exc:
            with translation.override(settings.LANGUAGE_CODE):
                raise CommandError(f"{exc.code}: {exc}", returncode=1) from None
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(
                _(
                    "%(day)s, warehouse %(warehouse)s: %(waved)d orders in the wave "
                    "(%(back_ordered)d back-ordered), %(lines)d pick lines picked, "
                    "%(cut)d base plates cut, %(packed)d parcels packed, %(shipped)d shipped, "
                    "%(delivered)d delivered (%(orders)d orders)."
                )
                % {
                    "day": timezone.localdate(now).isoformat(),
                    "warehouse": code,
                    "waved": done.allocated,
                    "back_ordered": done.back_ordered,
                    "lines": done.pick_lines,
                    "cut": done.pieces_cut,
                    "packed": done.packed,
                    "shipped": done.shipped,
                    "delivered": len(done.delivered_parcels),
                    "orders": done.delivered_orders,
                }
            )

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
