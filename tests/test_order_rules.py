"""Order rules: windows, quotas, month boundaries, leap years, Copenhagen midnight. No database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from forsyn.core.dates import DateRange
from forsyn.orders import rules

D = dt.date
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("valid_from", "on", "months"),
    [
        (D(2026, 1, 15), D(2026, 1, 15), 1),
        (D(2026, 1, 15), D(2026, 7, 14), 1),  # last day of the first six months
        (D(2026, 1, 15), D(2026, 7, 15), 3),
        (D(2025, 8, 31), D(2026, 2, 27), 1),  # 31 Aug + 6 months = 28 Feb
        (D(2025, 8, 31), D(2026, 2, 28), 3),
        (D(2023, 8, 31), D(2024, 2, 28), 1),  # leap year: 29 Feb
        (D(2023, 8, 31), D(2024, 2, 29), 3),
    ],
)
def test_months_allowed(valid_from: dt.date, on: dt.date, months: int) -> None:
    assert rules.months_allowed(valid_from, on, rules.DEFAULT_POLICY) == months


def test_months_allowed_is_configurable() -> None:
    policy = rules.WindowPolicy(first_period_months=3, early_max_months=2, later_max_months=6)
    assert rules.months_allowed(D(2026, 1, 1), D(2026, 3, 31), policy) == 2
    assert rules.months_allowed(D(2026, 1, 1), D(2026, 4, 1), policy) == 6


@pytest.mark.parametrize(
    ("on", "months", "window"),
    [
        (D(2026, 3, 31), 1, DateRange(D(2026, 3, 1), D(2026, 4, 1))),
        (D(2026, 3, 31), 3, DateRange(D(2026, 1, 1), D(2026, 4, 1))),
        (D(2024, 3, 29), 1, DateRange(D(2024, 3, 1), D(2024, 3, 30))),
        (D(2024, 2, 29), 1, DateRange(D(2024, 1, 30), D(2024, 3, 1))),
    ],
)
def test_quota_window(on: dt.date, months: int, window: DateRange) -> None:
    assert rules.quota_window(on, months) == window


@pytest.mark.parametrize(
    ("pieces", "ordered", "months", "hold"),
    [
        (30, 0, 1, None),
        (30, 30, 3, None),
        (31, 0, 1, rules.Hold.OVER_WINDOW),
        (60, 0, 3, None),
        (30, 61, 3, rules.Hold.OVER_QUOTA),
        (90, 0, 3, None),
        (91, 0, 3, rules.Hold.OVER_WINDOW),
    ],
)
def test_check_lines(pieces: int, ordered: int, months: int, hold: str | None) -> None:
    holds = rules.check_lines(
        [rules.LineRequest("5700000000011", pieces, 30, ordered)], months=months
    )
    assert [h.code for h in holds] == ([hold] if hold else [])


def test_hold_messages_name_the_numbers() -> None:
    holds = rules.check_lines([rules.LineRequest("5700000000011", 30, 30, 61)], months=3)
    assert holds == [
        rules.HoldReason(
            "over_quota",
            "5700000000011: 91 pieces in the last 3 month(s) is more than the granted 90",
            gtin="5700000000011",
            pieces=91,
            allowed=90,
            months=3,
        )
    ]


ACTIVE = rules.GrantFacts("active", D(2025, 1, 1), None, participating=True)


@pytest.mark.parametrize(
    ("grant", "citizen", "codes"),
    [
        (ACTIVE, {}, []),
        (rules.GrantFacts("suspended", D(2025, 1, 1), None, True), {}, ["grant_not_active"]),
        (rules.GrantFacts("ended", D(2025, 1, 1), D(2025, 6, 1), True), {}, ["grant_not_active"]),
        (rules.GrantFacts("active", D(2026, 12, 1), None, True), {}, ["grant_not_valid"]),
        (rules.GrantFacts("active", D(2025, 1, 1), None, False), {}, ["not_participating"]),
        (ACTIVE, {"deceased_on": D(2026, 1, 1)}, ["citizen_deceased"]),
        (ACTIVE, {"moved_away_on": D(2026, 2, 1)}, ["citizen_moved"]),
        (ACTIVE, {"moved_away_on": D(2026, 12, 1)}, []),
    ],
)
def test_refusals(grant: rules.GrantFacts, citizen: dict, codes: list[str]) -> None:
    on = D(2026, 3, 1)
    refusals = rules.check_citizen(
        deceased_on=citizen.get("deceased_on"), moved_away_on=citizen.get("moved_away_on"), on=on
    )
    decision = rules.decide(grant=grant, lines=[rules.LineRequest("x", 30, 30, 0)], on=on)
    assert [c for c, _ in [*refusals, *decision.refusals]] == codes
    assert decision.refused is bool(decision.refusals)


def test_next_order_date() -> None:
    on = D(2026, 3, 10)
    assert (
        rules.next_order_date(
            pieces_per_month=30, months=3, on=on, orders_in_window=[(D(2026, 2, 1), 30)]
        )
        == on
    )
    # 90 of 90 ordered: a month's supply fits again when the oldest order leaves the window.
    assert rules.next_order_date(
        pieces_per_month=30,
        months=3,
        on=on,
        orders_in_window=[(D(2026, 1, 20), 30), (D(2026, 2, 15), 60)],
    ) == D(2026, 4, 20)


@pytest.mark.parametrize(
    ("placed", "delivery"),
    [
        (dt.datetime(2026, 11, 23, 10, 0, tzinfo=CPH), D(2026, 11, 25)),  # Monday morning
        (dt.datetime(2026, 11, 23, 14, 0, tzinfo=CPH), D(2026, 11, 26)),  # after the cut-off
        (dt.datetime(2026, 11, 27, 15, 0, tzinfo=CPH), D(2026, 12, 2)),  # Friday afternoon
        (dt.datetime(2026, 11, 28, 9, 0, tzinfo=CPH), D(2026, 12, 2)),  # Saturday
        (dt.datetime(2026, 12, 23, 9, 0, tzinfo=CPH), D(2026, 12, 29)),  # Christmas
        (dt.datetime(2026, 4, 1, 9, 0, tzinfo=CPH), D(2026, 4, 8)),  # Easter: 2, 3 and 6 April off
    ],
)
def test_first_delivery_date(placed: dt.datetime, delivery: dt.date) -> None:
    assert rules.first_delivery_date(placed) == delivery


def test_copenhagen_midnight_counts_as_the_new_day() -> None:
    # 23:30 UTC on 31 March is 01:30 on 1 April in Copenhagen (summer time).
    placed = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC).astimezone(CPH)
    assert placed.date() == D(2026, 4, 1)
    assert rules.quota_window(placed.date(), 1).contains(D(2026, 4, 1))
    assert not rules.quota_window(placed.date(), 1).contains(D(2026, 3, 1))
