"""`forsyn carrier simulate --status delivered [--url URL] [TRACKING ...]`: the local carrier
simulator reports a status for parcels on their way (default: all of them) to the signed
webhook of a running forsyn (default settings.FORSYN_CARRIER_WEBHOOK_URL)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.fulfilment.carrier_simulator import carrier_simulate
from forsyn.fulfilment.wave_rules import CARRIER_STATUSES


class Command(BaseCommand):
    help = "The local carrier simulator (simulate)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("simulate", help="report a status for parcels on their way")
        p.add_argument("--status", choices=CARRIER_STATUSES, required=True)
        p.add_argument("--url", default=None, help="the webhook (default from the settings)")
        p.add_argument("tracking", nargs="*", help="tracking numbers (default: all on their way)")

    def handle(self, *args: Any, **options: Any) -> None:
        done = carrier_simulate(
            status=options["status"],
            tracking_numbers=options["tracking"] or None,
            url=options["url"],
        )
        if not done.tracking_numbers:
            self.stdout.write("no parcels on their way")
            return
        if done.status != 200:
            raise CommandError(f"the webhook answered {done.status}: {done.answer[:200]!r}")
        self.stdout.write(f"{len(done.tracking_numbers)} parcel(s): {done.answer.decode()}")
