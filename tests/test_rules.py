"""Pure rules: no database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forsyn.audit.chain import (
    GENESIS_MAC,
    ChainBreak,
    ChainFields,
    ChainRow,
    Checkpoint,
    entry_mac,
    legacy_hash,
    verify,
)
from forsyn.contracts.rules import ExistingEntry, ImportRow, PriceSpan, plan_price_import, price_on
from forsyn.core.dates import DateRange, add_months
from forsyn.core.identifiers import clean_cpr, clean_cvr, clean_gln, clean_gtin, mask_cpr
from forsyn.core.money import parse_decimal, quantize_money, split_largest_remainder
from forsyn.grants.rules import (
    current_period,
    may_change_status,
    months_granted,
    remaining_quantity,
)

D = dt.date


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        ("3040000", ["35", "2"], ["2875675.68", "164324.32"]),
        ("100.00", ["1", "1", "1"], ["33.34", "33.33", "33.33"]),
        ("0.05", ["1", "1"], ["0.03", "0.02"]),
        ("-10.00", ["1", "2"], ["-3.33", "-6.67"]),
    ],
)
def test_split_largest_remainder(amount: str, weights: list[str], parts: list[str]) -> None:
    result = split_largest_remainder(Decimal(amount), [Decimal(w) for w in weights])
    assert result == [Decimal(p) for p in parts]
    assert sum(result) == Decimal(amount)


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any),
)
def test_split_always_adds_up(amount: Decimal, weights: list[int]) -> None:
    assert sum(split_largest_remainder(amount, [Decimal(w) for w in weights])) == amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.5")),
        (" 0,0100 ", Decimal("0.0100")),
    ],
)
def test_parse_decimal(text: str, value: Decimal) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "NaN", "inf"])
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="number|empty"):
        parse_decimal(text)


def test_quantize_money_half_up() -> None:
    assert quantize_money(Decimal("2.345")) == Decimal("2.35")
    assert quantize_money(Decimal("-2.345")) == Decimal("-2.35")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 5, 15), -5, D(2023, 12, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_identifiers() -> None:
    assert clean_cpr("010170-1234") == "0101701234"
    assert mask_cpr("0101701234") == "010170-xxxx"
    assert clean_cvr("13585628") == "13585628"
    assert clean_gln("5798000000001") == "5798000000001"
    with pytest.raises(ValueError, match="CPR"):
        clean_cpr("321370-1234")
    with pytest.raises(ValueError, match="CVR"):
        clean_cvr("13585627")
    with pytest.raises(ValueError, match="GTIN"):
        clean_gtin("5700000000012")
    with pytest.raises(ValueError, match="EAN/GLN"):
        clean_gln("57980000")


# -- remaining quantity -----------------------------------------------------------------------

LIFELONG_FROM_MID_JAN = DateRange(D(2025, 1, 15))


@pytest.mark.parametrize(
    ("validity", "period", "months"),
    [
        (LIFELONG_FROM_MID_JAN, DateRange(D(2025, 1, 1), D(2025, 2, 1)), 1),
        (LIFELONG_FROM_MID_JAN, DateRange(D(2024, 12, 1), D(2025, 1, 1)), 0),
        (LIFELONG_FROM_MID_JAN, DateRange(D(2025, 1, 1), D(2025, 4, 1)), 3),
        (DateRange(D(2025, 1, 15), D(2025, 3, 1)), DateRange(D(2025, 1, 1), D(2025, 6, 1)), 2),
        (DateRange(D(2024, 2, 29), D(2024, 3, 1)), DateRange(D(2024, 2, 1), D(2024, 3, 1)), 1),
        (DateRange(D(2025, 3, 1)), DateRange(D(2025, 1, 1), D(2025, 3, 1)), 0),
    ],
)
def test_months_granted(validity: DateRange, period: DateRange, months: int) -> None:
    assert months_granted(validity, period) == months


@pytest.mark.parametrize(
    ("per_month", "ordered", "remaining", "granted"),
    [(30, 0, 30, 30), (30, 20, 10, 30), (30, 30, 0, 30), (30, 45, 0, 30)],
)
def test_remaining_quantity(per_month: int, ordered: int, remaining: int, granted: int) -> None:
    quota = remaining_quantity(
        pieces_per_month=per_month,
        grant_validity=LIFELONG_FROM_MID_JAN,
        period=DateRange(D(2025, 2, 1), D(2025, 3, 1)),
        ordered_pieces=ordered,
    )
    assert (quota.remaining_pieces, quota.granted_pieces) == (remaining, granted)


def test_current_period_is_calendar_month() -> None:
    assert current_period(D(2024, 2, 29)) == DateRange(D(2024, 2, 1), D(2024, 3, 1))
    assert current_period(D(2024, 12, 31)) == DateRange(D(2024, 12, 1), D(2025, 1, 1))


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("draft", "active", True),
        ("active", "suspended", True),
        ("suspended", "active", True),
        ("active", "ended", True),
        ("ended", "active", False),
        ("draft", "suspended", False),
        ("active", "draft", False),
    ],
)
def test_status_transitions(current: str, new: str, allowed: bool) -> None:
    assert may_change_status(current, new) is allowed


# -- prices ------------------------------------------------------------------------------------


def span(
    entry_id: int,
    contract_id: int,
    price: str,
    start: dt.date,
    end: dt.date | None,
    c_start: dt.date = D(2023, 6, 1),
    c_end: dt.date = D(2027, 6, 1),
) -> PriceSpan:
    return PriceSpan(entry_id, contract_id, Decimal(price), start, end, c_start, c_end)


SPANS = [
    span(1, 1, "27.5000", D(2023, 6, 1), D(2025, 6, 1)),
    span(2, 1, "28.3250", D(2025, 6, 1), None),
    span(3, 2, "0.0100", D(2027, 6, 1), None, D(2027, 6, 1), D(2031, 6, 1)),
]


@pytest.mark.parametrize(
    ("day", "entry"),
    [
        (D(2023, 5, 31), None),
        (D(2023, 6, 1), 1),
        (D(2025, 5, 31), 1),
        (D(2025, 6, 1), 2),
        (D(2027, 5, 31), 2),
        (D(2027, 6, 1), 3),
        (D(2031, 6, 1), None),
    ],
)
def test_price_on_across_changes(day: dt.date, entry: int | None) -> None:
    found = price_on(SPANS, day)
    assert (found.entry_id if found else None) == entry


def row(n: int, pid: int, price: str, start: dt.date, end: dt.date | None = None) -> ImportRow:
    return ImportRow(n, pid, f"g{pid}", Decimal(price), start, end)


def test_plan_price_change_closes_open_price() -> None:
    existing = [ExistingEntry(10, 1, 5, Decimal("10"), D(2024, 1, 1), None)]
    plan = plan_price_import(
        contract_id=5,
        contract_period=DateRange(D(2024, 1, 1), D(2028, 1, 1)),
        rows=[row(2, 1, "11", D(2025, 1, 1))],
        existing=existing,
    )
    assert plan.close == {10: D(2025, 1, 1)}
    assert [r.row_number for r in plan.create] == [2]
    assert plan.errors == []


def test_plan_same_file_twice_changes_nothing() -> None:
    rows = [row(2, 1, "10", D(2024, 1, 1)), row(3, 1, "11", D(2025, 1, 1))]
    existing = [
        ExistingEntry(10, 1, 5, Decimal("10"), D(2024, 1, 1), D(2025, 1, 1)),
        ExistingEntry(11, 1, 5, Decimal("11"), D(2025, 1, 1), None),
    ]
    plan = plan_price_import(
        contract_id=5,
        contract_period=DateRange(D(2024, 1, 1), D(2028, 1, 1)),
        rows=rows,
        existing=existing,
    )
    assert (plan.create, plan.close, len(plan.unchanged), plan.errors) == ([], {}, 2, [])


def test_plan_reports_conflicts_and_period() -> None:
    existing = [
        ExistingEntry(10, 1, 5, Decimal("10"), D(2024, 1, 1), None),
        ExistingEntry(20, 2, 9, Decimal("10"), D(2024, 1, 1), None),
    ]
    plan = plan_price_import(
        contract_id=5,
        contract_period=DateRange(D(2024, 1, 1), D(2028, 1, 1)),
        rows=[
            row(2, 1, "12", D(2024, 1, 1)),
            row(3, 2, "9", D(2025, 1, 1)),
            row(4, 3, "9", D(2030, 1, 1)),
            row(5, 4, "1", D(2025, 1, 1)),
            row(6, 4, "2", D(2025, 1, 1)),
        ],
        existing=existing,
    )
    assert plan.errors == [
        (2, "valid_from", "a different price from 2024-01-01 is on the list"),
        (3, "valid_from", "the product has a price under another contract from 2024-01-01"),
        (4, "valid_from", "lies outside the contract's period"),
        (6, "valid_from", "the same product and date twice"),
    ]


# -- access log chain ---------------------------------------------------------------------------


KEY = b"a-test-key-of-at-least-32-characters-long"
KEYS = {"k1": KEY}


def _fields(seq: int, purpose: str = "Sagsbehandling") -> ChainFields:
    return ChainFields(
        seq,
        "2026-01-01T10:00:00+01:00",
        7,
        "cw",
        "Aarhus Kommune",
        100 + seq,
        "view",
        "api",
        "GET /citizens/{id}",
        purpose,
    )


def chain(n: int, *, legacy: int = 0) -> list[ChainRow]:
    """n entries; the first `legacy` of them unkeyed SHA-256 as before migration 0004."""
    rows, prev = [], GENESIS_MAC
    for seq in range(1, n + 1):
        fields = _fields(seq)
        if seq <= legacy:
            row = ChainRow(fields, "", prev, legacy_hash(prev, fields))
        else:
            row = ChainRow(fields, "k1", prev, entry_mac(KEY, "k1", prev, fields))
        rows.append(row)
        prev = row.entry_mac
    return rows


def _check(
    rows: list[ChainRow],
    head: ChainRow,
    checkpoints: tuple[Checkpoint, ...] = (),
    legacy_entries: int = 0,
) -> list:
    return verify(
        rows,
        keys=KEYS,
        head_seq=head.fields.seq,
        head_mac=head.entry_mac,
        checkpoints=checkpoints,
        legacy_entries=legacy_entries,
    )[1]


def test_chain_intact() -> None:
    rows = chain(3)
    assert verify(rows, keys=KEYS, head_seq=3, head_mac=rows[-1].entry_mac) == (3, [])


def test_chain_detects_changed_removed_and_truncated() -> None:
    rows = chain(4)
    head = rows[-1]
    changed = list(rows)
    r = changed[1]
    changed[1] = ChainRow(_fields(2, "nosy"), r.key_id, r.prev_mac, r.entry_mac)
    assert _check(changed, head) == [
        ChainBreak(2, "forged or rewritten: its MAC does not match its contents")
    ]
    removed = rows[:1] + rows[2:]
    assert _check(removed, head) == [ChainBreak(2, "missing: a gap before #3")]
    assert _check(rows[:3], head) == [ChainBreak(4, "entries at the end of the log are missing")]


def test_chain_with_a_legacy_prefix() -> None:
    rows = chain(4, legacy=2)
    assert _check(rows, rows[-1], legacy_entries=2) == []
    # Rewriting a legacy entry and recomputing the legacy hashes breaks the first keyed link.
    fields = _fields(2, "nosy")
    forged = ChainRow(fields, "", rows[1].prev_mac, legacy_hash(rows[1].prev_mac, fields))
    assert _check([rows[0], forged, *rows[2:]], rows[-1], legacy_entries=2) == [
        ChainBreak(3, "does not link to entry #2: an entry was replaced or removed")
    ]
    # Unkeyed entries beyond the configured number are not legacy: a whole log rewritten as
    # unkeyed SHA-256 does not pass.
    assert _check(rows, rows[-1], legacy_entries=1) == [
        ChainBreak(2, "unsigned: it carries no key id")
    ]
    unkeyed = chain(3, legacy=3)
    assert _check(unkeyed, unkeyed[-1]) == [
        ChainBreak(1, "unsigned: it carries no key id"),
        ChainBreak(2, "unsigned: it carries no key id"),
        ChainBreak(3, "unsigned: it carries no key id"),
    ]


def test_chain_against_checkpoints() -> None:
    rows = chain(5)
    cp = Checkpoint(count=5, head_mac=rows[4].entry_mac, at_iso="T", line=1)
    assert _check(rows, rows[-1], (cp,)) == []
    assert _check(rows[:3], rows[2], (cp,)) == [
        ChainBreak(
            4,
            "missing: the checkpoint of T counted 5 entries, the log ends at #3 "
            "(truncated or rewound)",
        )
    ]
    other = Checkpoint(count=5, head_mac="0" * 64, at_iso="T", line=1)
    assert _check(rows, rows[-1], (other,)) == [
        ChainBreak(
            5,
            "differs from the checkpoint of T: the log was rewritten or rewound behind the "
            "checkpoint",
        )
    ]
