from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.audit.selectors import access_log_verify


class Command(BaseCommand):
    help = "The access log. `forsyn audit verify` checks the hash chain; exit 1 if it is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = access_log_verify()
        if broken is not None:
            raise CommandError(f"access log chain broken at entry #{broken.seq}: {broken.reason}")
        self.stdout.write(f"access log intact: {count} entries")
