"""Reading the access log."""

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from forsyn.audit.chain import (
    GENESIS_MAC,
    ChainBreak,
    ChainFields,
    ChainRow,
    Checkpoint,
    checkpoint_mac,
    verify,
)
from forsyn.audit.keys import audit_keyring
from forsyn.audit.models import AccessLogEntry, AccessLogHead


def access_log_for_citizen(*, citizen_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(citizen_id=citizen_id).order_by("-seq")


def _rows() -> Iterator[ChainRow]:
    for e in AccessLogEntry.objects.order_by("seq").iterator(chunk_size=5000):
        yield ChainRow(
            fields=ChainFields(
                seq=e.seq,
                at_iso=e.at.isoformat(),
                actor_id=e.actor_id,
                actor_username=e.actor_username,
                actor_organisation=e.actor_organisation,
                citizen_id=e.citizen_id,
                action=e.action,
                channel=e.channel,
                resource=e.resource,
                purpose=e.purpose,
            ),
            key_id=e.key_id,
            prev_mac=e.prev_mac,
            entry_mac=e.entry_mac,
        )


@dataclass(frozen=True)
class AccessLogReport:
    entries: int
    checkpoints: int
    breaks: list[ChainBreak]
    # Problems with the checkpoint file itself: a line changed, unreadable or of an unknown key.
    checkpoint_problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks and not self.checkpoint_problems


def read_checkpoints(
    path: Path, keys: dict[str, bytes]
) -> tuple[list[Checkpoint], list[str], list[str]]:
    """(checkpoints whose MAC holds, problems, warnings) from a checkpoint file."""
    if not path.exists():
        return [], [], [f"no checkpoint file at {path}: entries cut off at the end go unnoticed"]
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                count, head_mac = int(record["count"]), str(record["head_mac"])
                at_iso, key_id, mac = str(record["at"]), str(record["key_id"]), str(record["mac"])
            except (ValueError, KeyError, TypeError):
                problems.append(f"{path} line {number}: not a checkpoint")
                continue
            key = keys.get(key_id)
            if key is None:
                problems.append(
                    f"{path} line {number}: written with an unknown key (id {key_id!r})"
                )
                continue
            expected = checkpoint_mac(
                key, count=count, head_mac=head_mac, at_iso=at_iso, key_id=key_id
            )
            if expected != mac:
                problems.append(f"{path} line {number}: changed (its MAC does not match)")
                continue
            checkpoints.append(Checkpoint(count, head_mac, at_iso, number))
    return checkpoints, problems, []


# Checkpoints are written every 10 minutes (Celery beat); older than this, the newest entries
# stand on the chain alone.
STALE_CHECKPOINT = dt.timedelta(minutes=20)


def _staleness(found: list[Checkpoint], *, entries: int) -> list[str]:
    """A warning when the newest checkpoint is old and entries came after it: those entries
    could be cut off (and the head rewound) without a checkpoint to notice."""
    if not found:
        return []
    newest = found[-1]
    age = timezone.now() - dt.datetime.fromisoformat(newest.at_iso)
    after = entries - newest.count
    if age <= STALE_CHECKPOINT or after <= 0:
        return []
    minutes = int(age.total_seconds() // 60)
    return [
        f"the newest checkpoint (line {newest.line}, {newest.count} entries) is {minutes} minutes "
        f"old and {after} entries came after it: entries cut off since then go unnoticed. Is "
        "`forsyn audit checkpoint` running every 10 minutes (Celery beat)?"
    ]


def access_log_verify(*, checkpoints: Path | None = None) -> AccessLogReport:
    """Check every entry's MAC and link, the head, and the checkpoints in the given file."""
    keys = audit_keyring()
    found: list[Checkpoint] = []
    problems: list[str] = []
    warnings: list[str] = []
    if checkpoints is not None:
        found, problems, warnings = read_checkpoints(checkpoints, keys)
    head = AccessLogHead.objects.filter(pk=1).first()
    head_seq, head_mac = (head.last_seq, head.last_mac) if head else (0, GENESIS_MAC)
    count, breaks = verify(
        _rows(),
        keys=keys,
        head_seq=head_seq,
        head_mac=head_mac,
        checkpoints=found,
        legacy_entries=settings.FORSYN_AUDIT_LEGACY_ENTRIES,
    )
    warnings += _staleness(found, entries=count)
    return AccessLogReport(
        entries=count,
        checkpoints=len(found),
        breaks=breaks,
        checkpoint_problems=problems,
        warnings=warnings,
    )
