"""The working-day calendar (the `holidays` package plus FSC's customary closing days)."""

import datetime as dt
from typing import Any

import pytest

from forsyn.core.calendar import add_working_days, closed_days, is_working_day, nth_working_day

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 11, 25), True),  # a Wednesday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 4, 2), False),  # Maundy Thursday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 5, 14), False),  # Ascension Day
        (D(2026, 5, 25), False),  # Whit Monday
        (D(2026, 6, 5), False),  # Constitution Day (customary)
        (D(2026, 12, 24), False),  # Christmas Eve (customary)
        (D(2026, 12, 31), False),  # New Year's Eve (customary)
        (D(2026, 5, 1), True),  # 1 May is a working day
        (D(2023, 5, 5), False),  # Store Bededag, the last one
        (D(2024, 4, 26), True),  # abolished from 2024
    ],
)
def test_working_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_closed_days_2026() -> None:
    assert sorted(closed_days(2026)) == [
        D(2026, 1, 1),
        D(2026, 4, 2),
        D(2026, 4, 3),
        D(2026, 4, 5),
        D(2026, 4, 6),
        D(2026, 5, 14),
        D(2026, 5, 24),
        D(2026, 5, 25),
        D(2026, 6, 5),
        D(2026, 12, 24),
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 31),
    ]


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 11, 25), 0, D(2026, 11, 25)),
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday + 1 = Monday
        (D(2026, 11, 28), 0, D(2026, 11, 30)),  # Saturday → Monday
        (D(2026, 12, 23), 1, D(2026, 12, 28)),  # over Christmas
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        (D(2026, 12, 30), 1, D(2027, 1, 4)),  # over New Year (1 Jan a Friday, then weekend)
        (D(2026, 4, 1), 1, D(2026, 4, 7)),  # over Easter
    ],
)
def test_add_working_days(start: dt.date, count: int, expected: dt.date) -> None:
    assert add_working_days(start, count) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2026, 11, D(2026, 11, 4)), (2027, 1, D(2027, 1, 6)), (2026, 4, D(2026, 4, 8))],
)
def test_third_working_day(year: int, month: int, expected: dt.date) -> None:
    assert nth_working_day(year, month, 3) == expected


def test_public_holidays_match_the_published_list() -> None:
    """Every public holiday 2025–2028 in shared/reference is closed, and the only other closed
    days are the three customary ones."""
    from tests.shared import shared_dir

    text = (shared_dir() / "reference/dk/holidays_dk_2025-2028.txt").read_text(encoding="utf-8")
    public_part = text.split("# optional category adds:")[0]
    listed = {
        dt.date.fromisoformat(line.split()[0])
        for line in public_part.splitlines()
        if line and not line.startswith("#")
    }
    assert len(listed) == 40
    closed = set().union(*(closed_days(y) for y in range(2025, 2029)))
    customary = {D(y, m, d) for y in range(2025, 2029) for m, d in ((6, 5), (12, 24), (12, 31))}
    assert closed == listed | customary


def test_closed_days_are_configurable(settings: Any) -> None:
    settings.FORSYN_CLOSED_DAYS = ["05-01"]
    assert is_working_day(D(2026, 5, 1)) is False
    assert is_working_day(D(2026, 12, 24)) is True
