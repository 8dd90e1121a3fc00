"""What a status means at a glance: the colour of its DKFDS badge (issue #9 §6).

Plain strings, so the lowest layer needs no app's choices; tests/test_site.py checks that every
value of every status enum shown on a page is in the table, and which meaning it has."""

from enum import StrEnum


class Meaning(StrEnum):
    SUCCESS = "success"  # done, or going as it should
    WARNING = "warning"  # waits for someone, or paused
    ERROR = "error"  # refused or failed
    INFO = "info"  # under way
    NEUTRAL = "neutral"  # not started, or closed without a verdict


MEANINGS: dict[str, Meaning] = {
    # Orders
    "submitted": Meaning.INFO,
    "awaiting_approval": Meaning.WARNING,
    "approved": Meaning.SUCCESS,
    "allocated": Meaning.INFO,
    "picked": Meaning.INFO,
    "packed": Meaning.INFO,
    "shipped": Meaning.INFO,
    "delivered": Meaning.SUCCESS,
    "rejected": Meaning.ERROR,
    "cancelled": Meaning.NEUTRAL,
    "back_ordered": Meaning.WARNING,
    # Grants
    "draft": Meaning.NEUTRAL,
    "active": Meaning.SUCCESS,
    "suspended": Meaning.WARNING,
    "ended": Meaning.NEUTRAL,
    # Products
    "phased_out": Meaning.WARNING,
    # Stock lots
    "available": Meaning.SUCCESS,
    "quarantined": Meaning.WARNING,
    "recalled": Meaning.ERROR,
    # Parcels (shipped, delivered, failed, cancelled, packed as above)
    "planned": Meaning.NEUTRAL,
    "in_transit": Meaning.INFO,
    "returned": Meaning.WARNING,
    # Hole-cutting tasks
    "open": Meaning.NEUTRAL,
    "done": Meaning.SUCCESS,
    # Stock counts
    "posted": Meaning.SUCCESS,
    # Advance shipping notice against scanned goods
    "match": Meaning.SUCCESS,
    "short": Meaning.WARNING,
    "over": Meaning.WARNING,
    "missing": Meaning.ERROR,
    "unexpected": Meaning.WARNING,
    # Job runs
    "queued": Meaning.NEUTRAL,
    "running": Meaning.INFO,
    "succeeded": Meaning.SUCCESS,
    "failed": Meaning.ERROR,
}


def meaning_of(status: str) -> Meaning:
    """The meaning of a status value; an unknown one is neutral rather than a broken page."""
    return MEANINGS.get(status, Meaning.NEUTRAL)


def badge_class(status: str) -> str:
    """DKFDS badge classes: `badge` alone is the neutral (grey) badge."""
    meaning = meaning_of(status)
    return "badge" if meaning is Meaning.NEUTRAL else f"badge badge-{meaning}"
