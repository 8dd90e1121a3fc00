from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.audit.services import audit_checkpoint
from forsyn.citizens.models import Citizen
from forsyn.demo.generate import SCALES, DemoBuilder, demo_citizen_logins, demo_logins


class Command(BaseCommand):
    help = "Load deterministic demo data: --scale small|region|national [--seed N]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if Citizen.objects.exists():
            raise CommandError(
                "the database already holds citizens; load demo data into an empty database "
                "(delete var/forsyn.sqlite3, or drop and create the PostgreSQL database)",
                returncode=2,
            )
        DemoBuilder(scale=options["scale"], seed=options["seed"], out=self.stdout.write).build()
        # The first checkpoint outside the database (docs/SECURITY.md "The access log").
        audit_checkpoint()
        print_logins(self.stdout.write)


def print_logins(write: Any) -> None:
    rows = demo_logins()
    if not rows:
        return
    write("")
    write(f"Demo logins (password for all: {rows[0]['password']}):")
    for row in rows:
        write(f"  {row['username']:<22} {row['role']:<20} {row['organisation_code']}")
    citizens = demo_citizen_logins()
    if citizens:
        write("")
        write(
            "Citizen portal: /borger/ logs in through the local test IdP; enter one of these CPRs:"
        )
        for c in citizens:
            of = f" of {c['represents']}" if c["represents"] else ""
            write(
                f"  {c['cpr'][:6]}-{c['cpr'][6:]}  {c['name']:<22} {c['kind']}{of} "
                f"({c['municipality']})"
            )
