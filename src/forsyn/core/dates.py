"""Dates and half-open date ranges [valid_from, valid_until) in Europe/Copenhagen."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


def today() -> dt.date:
    """Today's date in Copenhagen (not UTC): a date flips at local midnight."""
    return timezone.localdate()


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in Copenhagen, as an aware datetime (for `placed_at >= …` filters)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = last_day_of_month(year, month)
    return dt.date(year, month, min(day.day, last))


def last_day_of_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class DateRange:
    """Half-open [start, end); end None means open-ended (e.g. a lifelong grant)."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError("the end must be after the start")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: "DateRange") -> bool:
        starts_before_other_ends = other.end is None or self.start < other.end
        ends_after_other_starts = self.end is None or other.start < self.end
        return starts_before_other_ends and ends_after_other_starts

    def intersection(self, other: "DateRange") -> "DateRange | None":
        if not self.overlaps(other):
            return None
        start = max(self.start, other.start)
        ends = [e for e in (self.end, other.end) if e is not None]
        return DateRange(start, min(ends) if ends else None)
