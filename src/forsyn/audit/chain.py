"""The keyed chain of the access log: pure functions, no database, no settings.

Each entry carries `entry_mac` = HMAC-SHA256(key, previous entry's MAC, key id, its own fields).
The key lives outside the database (FORSYN_AUDIT_KEY), so someone who can write to the database
but does not hold the key can neither forge an entry nor recompute the chain after changing one.
Checkpoints (count, head MAC) kept outside the database catch what a MAC cannot: entries cut off
at the end together with the head (docs/adr/0010).

Entries written before the chain was keyed carry no key id and a plain SHA-256 (`legacy_hash`).
They are accepted only as the first `legacy_entries` of the log, a number the operator configures
(FORSYN_AUDIT_LEGACY_ENTRIES, default 0) — never decided by the database, or an attacker would
rewrite the whole log as "legacy". The first keyed entry's MAC covers the last legacy hash,
which pins the legacy prefix.
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_MAC = "0" * 64
LEGACY_KEY_ID = ""


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


@dataclass(frozen=True)
class ChainRow:
    """One stored entry as the verifier sees it."""

    fields: ChainFields
    key_id: str
    prev_mac: str
    entry_mac: str


def _parts(fields: ChainFields) -> list[str]:
    return [
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


def key_id_for(key: bytes) -> str:
    """A short public name for a key: stored with each entry so keys can be rotated."""
    return hmac.new(key, b"forsyn access log key id", hashlib.sha256).hexdigest()[:8]


def entry_mac(key: bytes, key_id: str, prev_mac: str, fields: ChainFields) -> str:
    # Unit separators keep "ab"+"c" apart from "a"+"bc".
    message = "\x1f".join([prev_mac, key_id, *_parts(fields)]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def legacy_hash(prev_hash: str, fields: ChainFields) -> str:
    """The unkeyed SHA-256 of entries written before the chain was keyed (migration 0004)."""
    return hashlib.sha256("\x1f".join([prev_hash, *_parts(fields)]).encode()).hexdigest()


def checkpoint_mac(key: bytes, *, count: int, head_mac: str, at_iso: str, key_id: str) -> str:
    message = "\x1f".join(["checkpoint", str(count), head_mac, at_iso, key_id]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head_mac: str
    at_iso: str
    line: int


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify(
    rows: Iterable[ChainRow],
    *,
    keys: Mapping[str, bytes],
    head_seq: int,
    head_mac: str,
    checkpoints: Iterable[Checkpoint] = (),
    legacy_entries: int = 0,
) -> tuple[int, list[ChainBreak]]:
    """Check the rows in seq order against the keys, the head and the checkpoints.

    Returns (number of entries read, every break found, in entry order). Checking goes on past
    a break, so one rewritten entry is reported once and does not hide a later one.
    """
    by_count: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        by_count.setdefault(cp.count, []).append(cp)
    last_checkpointed = max(by_count, default=0)
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_MAC
    expected_seq = 1
    count = 0
    for row in rows:
        f = row.fields
        count += 1
        if f.seq != expected_seq:
            gap = "" if f.seq == expected_seq + 1 else f" (#{expected_seq}–#{f.seq - 1})"
            breaks.append(ChainBreak(expected_seq, f"missing{gap}: a gap before #{f.seq}"))
        elif row.prev_mac != expected_prev:
            breaks.append(
                ChainBreak(
                    f.seq, f"does not link to entry #{f.seq - 1}: an entry was replaced or removed"
                )
            )
        if row.key_id == LEGACY_KEY_ID and f.seq <= legacy_entries:
            authentic = legacy_hash(row.prev_mac, f) == row.entry_mac
        elif row.key_id == LEGACY_KEY_ID:
            breaks.append(ChainBreak(f.seq, "unsigned: it carries no key id"))
            authentic = True  # reported already
        else:
            key = keys.get(row.key_id)
            if key is None:
                breaks.append(ChainBreak(f.seq, f"written with an unknown key (id {row.key_id!r})"))
                authentic = True  # reported already
            else:
                authentic = entry_mac(key, row.key_id, row.prev_mac, f) == row.entry_mac
        if not authentic:
            reason = (
                "rewritten: its MAC does not match its contents"
                if f.seq <= last_checkpointed
                else "forged or rewritten: its MAC does not match its contents"
            )
            breaks.append(ChainBreak(f.seq, reason))
        for at_seq in by_count.get(f.seq, ()):
            if at_seq.head_mac == row.entry_mac:
                continue
            breaks.append(
                ChainBreak(
                    f.seq,
                    f"differs from the checkpoint of {at_seq.at_iso}: the log was rewritten or "
                    "rewound behind the checkpoint",
                )
            )
        expected_prev = row.entry_mac
        expected_seq = f.seq + 1
    last_seq = expected_seq - 1
    if last_checkpointed > last_seq:
        cp = by_count[last_checkpointed][0]
        breaks.append(
            ChainBreak(
                last_seq + 1,
                f"missing: the checkpoint of {cp.at_iso} counted {cp.count} entries, the log "
                f"ends at #{last_seq} (truncated or rewound)",
            )
        )
    if head_seq > last_seq:
        breaks.append(ChainBreak(last_seq + 1, "entries at the end of the log are missing"))
    elif head_seq < last_seq:
        breaks.append(
            ChainBreak(head_seq + 1, f"lies beyond the head of the log (#{head_seq}): appended")
        )
    elif head_mac != expected_prev:
        breaks.append(ChainBreak(last_seq, "does not match the head of the log"))
    breaks.sort(key=lambda b: b.seq)
    return count, breaks
