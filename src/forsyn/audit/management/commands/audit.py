from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forsyn.audit.selectors import access_log_verify
from forsyn.audit.services import audit_checkpoint

# Enough to act on; the rest is counted.
MAX_REPORTED = 50


class Command(BaseCommand):
    help = (
        "The access log. `forsyn audit verify [--checkpoints FILE]` checks every entry's MAC, the "
        "sequence and the checkpoints; exit 1 if anything is wrong. `forsyn audit checkpoint` "
        "appends the log's count and head MAC to the checkpoint file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="checkpoint file (default: FORSYN_AUDIT_CHECKPOINT_FILE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except ImproperlyConfigured as missing:  # no key: one line, not a traceback
            raise CommandError(str(missing), returncode=2) from missing

    def _handle(self, options: dict[str, Any]) -> None:
        path: Path = options["checkpoints"] or settings.FORSYN_AUDIT_CHECKPOINT_FILE
        if options["action"] == "checkpoint":
            line = audit_checkpoint(path=path)
            self.stdout.write(f"checkpoint: {line.count} entries, written to {line.path}")
            return
        report = access_log_verify(checkpoints=path)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        problems = [f"entry #{b.seq}: {b.reason}" for b in report.breaks]
        problems += report.checkpoint_problems
        if problems:
            for problem in problems[:MAX_REPORTED]:
                self.stderr.write(problem)
            if len(problems) > MAX_REPORTED:
                self.stderr.write(f"… and {len(problems) - MAX_REPORTED} more")
            raise CommandError(
                f"access log NOT intact: {len(problems)} problem(s) in {report.entries} entries, "
                f"{report.checkpoints} checkpoints"
            )
        self.stdout.write(
            f"access log intact: {report.entries} entries, {report.checkpoints} checkpoints"
        )
