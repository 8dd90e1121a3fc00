import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forsyn.demo.generate import demo_logins
from forsyn.demo.management.commands.loaddemo import print_logins


class Command(BaseCommand):
    help = "List the demo logins (--json for machine-readable output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(demo_logins(), ensure_ascii=False, indent=2))
        else:
            print_logins(self.stdout.write)
