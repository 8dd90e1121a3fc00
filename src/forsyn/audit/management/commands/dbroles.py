"""`forsyn dbroles grant-app-role --role forsyn_app`: the application's PostgreSQL role.

Run as the owner of the tables (the role migrations run as), after every `migrate`. The app role
gets SELECT, INSERT, UPDATE, DELETE on every table, but on the access log only INSERT and
SELECT and on its head only SELECT, INSERT and UPDATE (the writer advances it under a row lock).
Not owning the tables, it can neither TRUNCATE nor ALTER them, so it cannot disable the
append-only triggers either. Idempotent: GRANT and REVOKE of what is already so change nothing.
"""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from forsyn.audit.models import AccessLogEntry, AccessLogHead

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role_sql(role: str, owner: str) -> list[str]:
    q = connection.ops.quote_name
    app, log, head = q(role), q(AccessLogEntry._meta.db_table), q(AccessLogHead._meta.db_table)
    dml = "SELECT, INSERT, UPDATE, DELETE"
    return [
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT {dml} ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # Tables the owner creates later (new migrations) get the same; rerun after `migrate`
        # all the same, so the access log's restrictions are reapplied.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public GRANT {dml} ON TABLES "
        f"TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA public GRANT USAGE, SELECT ON "
        f"SEQUENCES TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {log} FROM {app}",
        f"GRANT SELECT, INSERT ON {log} TO {app}",
        f"REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON {head} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {app}",
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL roles. `forsyn dbroles grant-app-role --role NAME [--sql]` gives the "
        "application's role what it needs and no more: INSERT and SELECT on the access log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant-app-role"])
        parser.add_argument("--role", required=True, help="the role the application logs in as")
        parser.add_argument(
            "--sql", action="store_true", help="print the statements instead of running them"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role: str = options["role"]
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist only on PostgreSQL", returncode=2)
        if not ROLE_NAME.match(role):
            raise CommandError(
                f"--role: {role!r} is not a plain role name (a-z, 0-9, _)", returncode=2
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = %s",
                [AccessLogEntry._meta.db_table],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError("the access log table does not exist: run migrate first")
            owner = str(found[0])
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            exists = cursor.fetchone()
        if exists is None:
            raise CommandError(
                f"--role: role {role!r} does not exist (CREATE ROLE {role} LOGIN PASSWORD ...)",
                returncode=2,
            )
        if exists[0] or role == owner:
            raise CommandError(
                f"--role: {role!r} is a superuser or owns the tables; the application needs a "
                "role of its own",
                returncode=2,
            )
        statements = grant_app_role_sql(role, owner)
        if options["sql"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"{role}: INSERT and SELECT on the access log, SELECT/INSERT/UPDATE on its head, "
            f"SELECT/INSERT/UPDATE/DELETE on the other tables (owner: {owner})"
        )
