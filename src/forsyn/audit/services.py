"""Writing the access log. Every read or change of a citizen's personal data calls `access_log`."""

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forsyn.audit.chain import GENESIS_MAC, ChainFields, checkpoint_mac, entry_mac
from forsyn.audit.keys import audit_key
from forsyn.audit.models import AccessLogEntry, AccessLogHead

# Checkpoint lines (counts and MACs, no personal data) also go to this logger, so a syslog
# handler can ship them off the machine as they are written.
checkpoint_logger = logging.getLogger("forsyn.audit.checkpoint")


class ActingContext(Protocol):
    """What the log needs of an access context (`forsyn.access.context.AccessContext`, which
    sits above audit in the layers): who acted, for which organisation, through which channel."""

    @property
    def user_id(self) -> int | None: ...

    @property
    def username(self) -> str: ...

    @property
    def organisation_name(self) -> str: ...

    @property
    def channel(self) -> str: ...


# No savepoint when nested: a failed log write must take the caller's transaction with it.
@transaction.atomic(savepoint=False)
def access_log(
    *,
    ctx: ActingContext,
    citizen_ids: Sequence[int],
    action: str,
    resource: str,
    purpose: str,
) -> list[AccessLogEntry]:
    """Append one entry per citizen, chained under a lock on the chain's head: who acted and the
    channel from the access context, the purpose as the policy settled it
    (`forsyn.access.log.log_access` calls this)."""
    if not citizen_ids:
        return []
    # Resolved before the lock; cached, so it costs no query and no file read per call.
    key = audit_key()
    head, _ = AccessLogHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_seq": 0, "last_mac": GENESIS_MAC}
    )
    now = timezone.now()
    organisation = ctx.organisation_name
    channel = str(ctx.channel)
    entries: list[AccessLogEntry] = []
    seq, prev = head.last_seq, head.last_mac
    for citizen_id in citizen_ids:
        seq += 1
        fields = ChainFields(
            seq=seq,
            at_iso=now.isoformat(),
            actor_id=ctx.user_id,
            actor_username=ctx.username,
            actor_organisation=organisation,
            citizen_id=citizen_id,
            action=action,
            channel=channel,
            resource=resource[:200],
            purpose=purpose[:200],
        )
        mac = entry_mac(key.secret, key.key_id, prev, fields)
        entries.append(
            AccessLogEntry(
                seq=seq,
                at=now,
                actor_id=ctx.user_id,
                actor_username=fields.actor_username,
                actor_organisation=organisation,
                citizen_id=citizen_id,
                action=action,
                channel=channel,
                resource=fields.resource,
                purpose=fields.purpose,
                key_id=key.key_id,
                prev_mac=prev,
                entry_mac=mac,
            )
        )
        prev = mac
    AccessLogEntry.objects.bulk_create(entries)
    AccessLogHead.objects.filter(pk=1).update(last_seq=seq, last_mac=prev)
    return entries


@dataclass(frozen=True)
class CheckpointLine:
    count: int
    head_mac: str
    at_iso: str
    path: Path


def audit_checkpoint(*, path: Path | None = None) -> CheckpointLine:
    """Append (count, head MAC, time) with its own MAC to the checkpoint file, outside the database.

    The file is opened for appending only and synced before returning. In production it lies on
    write-once storage or is shipped elsewhere (docs/SECURITY.md "The access log").
    """
    key = audit_key()
    target = Path(path or settings.FORSYN_AUDIT_CHECKPOINT_FILE)
    head = AccessLogHead.objects.filter(pk=1).first()
    count, head_mac = (head.last_seq, head.last_mac) if head else (0, GENESIS_MAC)
    at_iso = timezone.now().isoformat()
    record = {
        "count": count,
        "head_mac": head_mac,
        "at": at_iso,
        "key_id": key.key_id,
        "mac": checkpoint_mac(
            key.secret, count=count, head_mac=head_mac, at_iso=at_iso, key_id=key.key_id
        ),
    }
    line = json.dumps(record, separators=(",", ":")) + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    checkpoint_logger.info("access log checkpoint %s", line.strip())
    return CheckpointLine(count=count, head_mac=head_mac, at_iso=at_iso, path=target)
