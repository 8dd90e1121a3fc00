from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.organisations.models import User
from forsyn.organisations.services import token_create


class Command(BaseCommand):
    help = "API bearer tokens. `forsyn token create USERNAME` prints a new token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"username: no active user '{options['username']}'") from None
        self.stdout.write(token_create(user=user))
