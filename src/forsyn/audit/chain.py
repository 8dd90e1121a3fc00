"""The hash chain of the access log: pure functions, no database."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainFields:
    seq: int
    at_iso: str
    actor_id: int | None
    actor_username: str
    actor_organisation: str
    citizen_id: int
    action: str
    channel: str
    resource: str
    purpose: str


def entry_hash(prev_hash: str, fields: ChainFields) -> str:
    parts = [
        prev_hash,
        str(fields.seq),
        fields.at_iso,
        "" if fields.actor_id is None else str(fields.actor_id),
        fields.actor_username,
        fields.actor_organisation,
        str(fields.citizen_id),
        fields.action,
        fields.channel,
        fields.resource,
        fields.purpose,
    ]
    # Unit separators keep "ab"+"c" apart from "a"+"bc".
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify(
    rows: Iterable[tuple[ChainFields, str, str]], *, head_seq: int, head_hash: str
) -> ChainBreak | None:
    """Check (fields, prev_hash, entry_hash) rows in seq order; return the first break."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for fields, prev_hash, stored_hash in rows:
        if fields.seq != expected_seq:
            return ChainBreak(fields.seq, f"expected entry #{expected_seq}: an entry is missing")
        if prev_hash != expected_prev:
            return ChainBreak(fields.seq, "the link to the previous entry does not match")
        if entry_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(fields.seq, "the entry's contents do not match its hash")
        expected_prev = stored_hash
        expected_seq += 1
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return ChainBreak(expected_seq, "entries at the end of the log are missing")
    return None
