"""Reading the access log."""

from collections.abc import Iterator

from django.db.models import QuerySet

from forsyn.audit.chain import GENESIS_HASH, ChainBreak, ChainFields, verify
from forsyn.audit.models import AccessLogEntry, AccessLogHead


def access_log_for_citizen(*, citizen_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(citizen_id=citizen_id).order_by("-seq")


def _rows() -> Iterator[tuple[ChainFields, str, str]]:
    for e in AccessLogEntry.objects.order_by("seq").iterator(chunk_size=5000):
        yield (
            ChainFields(
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
            e.prev_hash,
            e.entry_hash,
        )


def access_log_verify() -> tuple[int, ChainBreak | None]:
    """Return (number of entries, first break or None)."""
    head = AccessLogHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    return head_seq, verify(_rows(), head_seq=head_seq, head_hash=head_hash)
