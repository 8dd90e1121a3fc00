"""Writing the access log. Every read or change of a citizen's personal data calls `access_log`."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from forsyn.audit.chain import GENESIS_HASH, ChainFields, entry_hash
from forsyn.audit.models import AccessLogEntry, AccessLogHead


# No savepoint when nested: a failed log write must take the caller's transaction with it.
@transaction.atomic(savepoint=False)
def access_log(
    *,
    actor: Any,
    citizen_ids: Sequence[int],
    action: str,
    channel: str,
    resource: str,
    purpose: str,
) -> list[AccessLogEntry]:
    """Append one entry per citizen, chained under a lock on the chain's head."""
    if not citizen_ids:
        return []
    head, _ = AccessLogHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
    )
    now = timezone.now()
    organisation = actor.organisation.name if getattr(actor, "organisation", None) else ""
    entries: list[AccessLogEntry] = []
    seq, prev = head.last_seq, head.last_hash
    for citizen_id in citizen_ids:
        seq += 1
        fields = ChainFields(
            seq=seq,
            at_iso=now.isoformat(),
            actor_id=actor.pk,
            actor_username=actor.get_username(),
            actor_organisation=organisation,
            citizen_id=citizen_id,
            action=action,
            channel=channel,
            resource=resource[:200],
            purpose=purpose[:200],
        )
        digest = entry_hash(prev, fields)
        entries.append(
            AccessLogEntry(
                seq=seq,
                at=now,
                actor_id=actor.pk,
                actor_username=fields.actor_username,
                actor_organisation=organisation,
                citizen_id=citizen_id,
                action=action,
                channel=channel,
                resource=fields.resource,
                purpose=fields.purpose,
                prev_hash=prev,
                entry_hash=digest,
            )
        )
        prev = digest
    AccessLogEntry.objects.bulk_create(entries)
    AccessLogHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return entries
