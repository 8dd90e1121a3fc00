"""Pure rules of waves, picking, parcels and SSCCs: table-driven and property tests, no
database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from forsyn.fulfilment.carrier import SignatureProblem, check_signature, sign, tracking_number_for
from forsyn.fulfilment.sscc import SsccError, serial_capacity, sscc_build, sscc_is_valid
from forsyn.fulfilment.wave_rules import (
    PARCEL_TRANSITIONS,
    LotSeen,
    OrderToShip,
    PickTarget,
    check_pick,
    consolidate,
    consolidation_key,
    parcel_next_status,
    pick_day,
    return_disposition,
    wave_cutoff,
)

CPH = ZoneInfo("Europe/Copenhagen")


def local(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


# -- Cut-offs across weekends and holidays ----------------------------------------------------


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        # An ordinary Tuesday: 14:00 the same day, before and after the cut-off.
        (local(2026, 3, 3, 9), local(2026, 3, 3, 14)),
        (local(2026, 3, 3, 15, 30), local(2026, 3, 3, 14)),
        # Saturday and Sunday: Monday's cut-off (a wave then takes everything so far).
        (local(2026, 3, 7, 10), local(2026, 3, 9, 14)),
        (local(2026, 3, 8, 10), local(2026, 3, 9, 14)),
        # Easter 2026: Maundy Thursday 2 April to Easter Monday 6 April are closed.
        (local(2026, 4, 1, 16), local(2026, 4, 1, 14)),
        (local(2026, 4, 2, 9), local(2026, 4, 7, 14)),
        (local(2026, 4, 3, 9), local(2026, 4, 7, 14)),
        (local(2026, 4, 6, 23, 59), local(2026, 4, 7, 14)),
        # Christmas Eve (closed by custom), Christmas Day, Boxing Day, then the weekend.
        (local(2026, 12, 23, 15), local(2026, 12, 23, 14)),
        (local(2026, 12, 24, 8), local(2026, 12, 28, 14)),
        # New Year's Eve (customary) and New Year's Day (public): Monday 4 January 2027.
        (local(2026, 12, 31, 8), local(2027, 1, 4, 14)),
        # Constitution Day, Friday 5 June 2026: Monday 8 June.
        (local(2026, 6, 5, 11), local(2026, 6, 8, 14)),
        # Ascension Day 14 May 2026; Whit Monday 25 May 2026.
        (local(2026, 5, 14, 11), local(2026, 5, 15, 14)),
        (local(2026, 5, 24, 11), local(2026, 5, 26, 14)),
        # Half past eleven UTC on the 3rd is already the 4th in Copenhagen (and the 3rd at
        # half past ten UTC).
        (dt.datetime(2026, 3, 3, 23, 30, tzinfo=dt.UTC), local(2026, 3, 4, 14)),
        (dt.datetime(2026, 3, 3, 22, 30, tzinfo=dt.UTC), local(2026, 3, 3, 14)),
    ],
)
def test_wave_cutoff(now: dt.datetime, cutoff: dt.datetime) -> None:
    assert wave_cutoff(now) == cutoff


@given(
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=dt.datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(CPH),
    )
)
def test_the_cutoff_is_on_a_working_day_never_before_today(now: dt.datetime) -> None:
    from forsyn.core.calendar import is_working_day

    cut = wave_cutoff(now, at=dt.time(14))
    assert is_working_day(cut.date())
    assert cut.date() >= now.date()
    assert (cut.time(), cut.tzinfo) == (dt.time(14), CPH)
    # Every closed day between today and the pick day is skipped, never a working one.
    day = now.date()
    while day < cut.date():
        assert not is_working_day(day)
        day += dt.timedelta(days=1)
    assert pick_day(now) == cut.date()


# -- Consolidation ------------------------------------------------------------------------------


def o(order_id: int, citizen: int | None = 1, **kw: str | int) -> OrderToShip:
    defaults: dict[str, object] = {
        "kind": "citizen" if citizen else "ward",
        "citizen_id": citizen,
        "organisation_id": 751,
        "delivery_type": "registered_address",
        "name": "Karen Jensen",
        "street": "Algade 1",
        "postcode": "8000",
        "city": "Aarhus C",
    }
    defaults.update(kw)
    return OrderToShip(order_id=order_id, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("orders", "parcels"),
    [
        # One citizen, one address: one parcel, whatever the order of the orders.
        ([o(3), o(1), o(2)], [(1, 2, 3)]),
        # Spelling of the same address does not split it.
        ([o(1), o(2, street="  ALGADE  1 ", city="aarhus c")], [(1, 2)]),
        # Another address of the same citizen is another parcel.
        ([o(1), o(2, delivery_type="other_address", street="Søndergade 9")], [(1,), (2,)]),
        # Another recipient name at the same address (c/o) is another parcel.
        ([o(1), o(2, name="Karen Jensen c/o Bo Hansen")], [(1,), (2,)]),
        # Two citizens at one address: two parcels (one discreet parcel per citizen).
        ([o(1, citizen=1), o(2, citizen=2)], [(1,), (2,)]),
        # A parcel locker is its own delivery point.
        (
            [
                o(1, delivery_type="parcel_locker", parcel_locker="Pakkeboks Føtex", street=""),
                o(2, delivery_type="parcel_locker", parcel_locker="pakkeboks føtex", street=""),
                o(3),
            ],
            [(1, 2), (3,)],
        ),
        # Ward stock: all of one hospital unit's orders in bulk, another unit apart.
        (
            [
                o(1, None, organisation_id=9),
                o(2, None, organisation_id=9),
                o(3, None, organisation_id=8),
            ],
            [(1, 2), (3,)],
        ),
    ],
)
def test_consolidate(orders: list[OrderToShip], parcels: list[tuple[int, ...]]) -> None:
    assert [p.order_ids for p in consolidate(orders)] == parcels


addresses = st.sampled_from(["Algade 1", "Søndergade 9", "algade 1 "])
orders_strategy = st.lists(
    st.builds(
        OrderToShip,
        order_id=st.integers(1, 10_000),
        kind=st.sampled_from(["citizen", "ward"]),
        citizen_id=st.integers(1, 4),
        organisation_id=st.integers(1, 3),
        delivery_type=st.just("registered_address"),
        name=st.sampled_from(["Karen", "karen ", "Bo"]),
        street=addresses,
        postcode=st.sampled_from(["8000", "5000"]),
        city=st.just("Aarhus C"),
        parcel_locker=st.sampled_from(["", "", "Pakkeboks 1"]),
    ),
    max_size=25,
    unique_by=lambda x: x.order_id,
)


@given(orders_strategy)
def test_consolidation_properties(orders: list[OrderToShip]) -> None:
    plans = consolidate(orders)
    # Every order in exactly one parcel.
    placed = [i for p in plans for i in p.order_ids]
    assert sorted(placed) == sorted(x.order_id for x in orders)
    by_id = {x.order_id: x for x in orders}
    keys = [{consolidation_key(by_id[i]) for i in p.order_ids} for p in plans]
    # A parcel's orders share recipient and address; two parcels never do.
    assert all(len(k) == 1 for k in keys)
    assert len({next(iter(k)) for k in keys}) == len(plans)
    # One citizen per parcel, never a ward order with a citizen's.
    for p in plans:
        assert (
            len(
                {
                    (by_id[i].kind, by_id[i].citizen_id if by_id[i].kind == "citizen" else None)
                    for i in p.order_ids
                }
            )
            == 1
        )
    # Deterministic, whatever order the orders come in.
    assert consolidate(list(reversed(orders))) == plans


# -- Picking by scan ------------------------------------------------------------------------------

TODAY = dt.date(2026, 3, 2)
TARGET = PickTarget("5700000000011", 7, "B1", dt.date(2027, 9, 30), 30)
GTINS = ["05700000000011", "5700000000011"]


def seen(
    expires: dt.date = dt.date(2027, 9, 30), status: str = "available", free: int = 100
) -> LotSeen:
    return LotSeen(8, expires, status, free)


@pytest.mark.parametrize(
    ("gtins", "lot", "expiry", "quantity", "other", "problem", "field", "realloc"),
    [
        (GTINS, "B1", dt.date(2027, 9, 30), 30, None, None, "scan", None),
        (GTINS, "B1", dt.date(2027, 9, 30), 0, None, None, "scan", None),  # none found: short
        (GTINS, "B1", dt.date(2027, 9, 30), 31, None, "bad_pick_quantity", "quantity", None),
        (GTINS, "B1", dt.date(2027, 9, 30), -1, None, "bad_pick_quantity", "quantity", None),
        (["05700000000028"], "B1", dt.date(2027, 9, 30), 30, None, "wrong_product", "scan", None),
        (GTINS, "B1", dt.date(2027, 10, 31), 30, None, "scan_expiry_mismatch", "scan", None),
        (GTINS, "X9", dt.date(2027, 9, 30), 30, None, "lot_not_in_stock", "scan", None),
        # Another lot with the same expiry, free pieces: re-allocated.
        (GTINS, "B2", dt.date(2027, 9, 30), 30, seen(), None, "scan", 8),
        # ... but not a later (or earlier) one: FEFO decides which lot goes.
        (
            GTINS,
            "B2",
            dt.date(2028, 1, 31),
            30,
            seen(dt.date(2028, 1, 31)),
            "wrong_lot",
            "scan",
            None,
        ),
        (
            GTINS,
            "B2",
            dt.date(2027, 6, 30),
            30,
            seen(dt.date(2027, 6, 30)),
            "wrong_lot",
            "scan",
            None,
        ),
        (
            GTINS,
            "B2",
            dt.date(2027, 9, 30),
            30,
            seen(status="quarantined"),
            "lot_blocked",
            "scan",
            None,
        ),
        (
            GTINS,
            "B2",
            dt.date(2027, 9, 30),
            30,
            seen(status="recalled"),
            "lot_blocked",
            "scan",
            None,
        ),
        (GTINS, "B2", dt.date(2027, 9, 30), 30, seen(free=29), "lot_short", "scan", None),
        (GTINS, "B2", dt.date(2027, 9, 30), 29, seen(free=29), None, "scan", 8),
        # The label's expiry must be the lot's.
        (GTINS, "B2", dt.date(2027, 8, 31), 30, seen(), "scan_expiry_mismatch", "scan", None),
    ],
)
def test_check_pick(
    gtins: list[str],
    lot: str,
    expiry: dt.date,
    quantity: int,
    other: LotSeen | None,
    problem: str | None,
    field: str,
    realloc: int | None,
) -> None:
    decision = check_pick(
        TARGET,
        scanned_gtins=gtins,
        scanned_lot=lot,
        scanned_expiry=expiry,
        quantity=quantity,
        seen=other,
        today=TODAY,
        min_days=180,
    )
    assert (decision.problem, decision.field, decision.reallocate_to) == (problem, field, realloc)


def test_a_same_expiry_lot_too_short_dated_is_blocked() -> None:
    decision = check_pick(
        TARGET,
        scanned_gtins=GTINS,
        scanned_lot="B2",
        scanned_expiry=dt.date(2027, 9, 30),
        quantity=1,
        seen=seen(),
        today=TODAY,
        min_days=600,
    )
    assert decision.problem == "lot_blocked"


# -- Parcel statuses and returns ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "reported", "after"),
    [
        ("shipped", "shipped", None),
        ("shipped", "in_transit", "in_transit"),
        ("shipped", "delivered", "delivered"),
        ("in_transit", "in_transit", None),
        ("in_transit", "failed", "failed"),
        ("failed", "failed", "failed"),
        ("failed", "in_transit", "in_transit"),
        ("failed", "delivered", "delivered"),
        ("in_transit", "returned", "returned"),
        ("delivered", "in_transit", None),  # late
        ("delivered", "returned", None),
        ("returned", "delivered", None),
        ("packed", "delivered", None),  # never booked: nothing to move
        ("planned", "in_transit", None),
        ("cancelled", "delivered", None),
    ],
)
def test_parcel_next_status(current: str, reported: str, after: str | None) -> None:
    assert parcel_next_status(current, reported) == after


def test_parcel_transitions_end_in_delivered_returned_or_cancelled() -> None:
    terminal = {s for s, targets in PARCEL_TRANSITIONS.items() if not targets}
    assert terminal == {"delivered", "returned", "cancelled"}


@pytest.mark.parametrize(
    ("requested", "status", "expires", "result"),
    [
        ("stock", "available", dt.date(2027, 1, 1), "stock"),
        ("quarantine", "available", dt.date(2027, 1, 1), "quarantine"),
        ("stock", "recalled", dt.date(2027, 1, 1), "quarantine"),
        ("stock", "quarantined", dt.date(2027, 1, 1), "quarantine"),
        ("stock", "available", dt.date(2026, 5, 1), "quarantine"),  # too short-dated
        ("stock", "available", dt.date(2026, 3, 1), "quarantine"),  # expired
    ],
)
def test_return_disposition(requested: str, status: str, expires: dt.date, result: str) -> None:
    got = return_disposition(
        requested, lot_status=status, expires_on=expires, today=TODAY, min_days=180
    )
    assert got == result


# -- SSCC ---------------------------------------------------------------------------------------


def test_sscc_known_value() -> None:
    # The GS1 example (00) 1 0614141 123456789 7, and biip's documented 376130321109103420.
    assert sscc_build(extension_digit=1, company_prefix="0614141", serial=123456789) == (
        "106141411234567897"
    )
    assert sscc_build(extension_digit=3, company_prefix="7613032", serial=110910342) == (
        "376130321109103420"
    )
    assert sscc_is_valid("106141411234567897")
    assert not sscc_is_valid("106141411234567898")


@given(
    extension=st.integers(0, 9),
    prefix=st.from_regex(r"[0-9]{7,10}", fullmatch=True),
    data=st.data(),
)
def test_sscc_check_digit_properties(extension: int, prefix: str, data: st.DataObject) -> None:
    serial = data.draw(st.integers(0, serial_capacity(prefix) - 1))
    value = sscc_build(extension_digit=extension, company_prefix=prefix, serial=serial)
    assert len(value) == 18
    assert value.isdigit()
    assert value.startswith(f"{extension}{prefix}")
    assert int(value[1 + len(prefix) : 17]) == serial
    assert sscc_is_valid(value)
    # biip, an independent implementation, accepts it and reads the same parts.
    parsed = Sscc.parse(value)
    assert (parsed.extension_digit, parsed.check_digit) == (extension, int(value[-1]))
    # Any single wrong digit is caught by the check digit.
    i = data.draw(st.integers(0, 17))
    wrong = value[:i] + str((int(value[i]) + data.draw(st.integers(1, 9))) % 10) + value[i + 1 :]
    assert not sscc_is_valid(wrong)


@pytest.mark.parametrize(
    ("extension", "prefix", "serial"),
    [
        (10, "5790002", 1),
        (3, "579000", 1),
        (3, "57900021234", 1),
        (3, "579000A", 1),
        (3, "5790002", 10**9),
    ],
)
def test_sscc_refuses_what_does_not_fit(extension: int, prefix: str, serial: int) -> None:
    with pytest.raises(SsccError):
        sscc_build(extension_digit=extension, company_prefix=prefix, serial=serial)


# -- The carrier webhook's signature ------------------------------------------------------------

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
STAMP = str(int(NOW.timestamp()))


@pytest.mark.parametrize(
    ("secret", "timestamp", "signature", "body", "problem"),
    [
        ("s3cret", STAMP, sign("s3cret", STAMP, b"{}"), b"{}", None),
        ("s3cret", STAMP, sign("s3cret", STAMP, b"{}"), b"{ }", SignatureProblem.BAD),
        ("s3cret", STAMP, sign("other", STAMP, b"{}"), b"{}", SignatureProblem.BAD),
        ("s3cret", STAMP, "", b"{}", SignatureProblem.MISSING),
        ("s3cret", "", sign("s3cret", "", b"{}"), b"{}", SignatureProblem.MISSING),
        ("", STAMP, sign("", STAMP, b"{}"), b"{}", SignatureProblem.MISSING),
        ("s3cret", "12a", sign("s3cret", "12a", b"{}"), b"{}", SignatureProblem.BAD),
        (
            "s3cret",
            str(int(NOW.timestamp()) - 301),
            sign("s3cret", str(int(NOW.timestamp()) - 301), b"{}"),
            b"{}",
            SignatureProblem.STALE,
        ),
        (
            "s3cret",
            str(int(NOW.timestamp()) + 300),
            sign("s3cret", str(int(NOW.timestamp()) + 300), b"{}"),
            b"{}",
            None,
        ),
        # Signed for another timestamp than the header says.
        ("s3cret", STAMP, sign("s3cret", str(int(STAMP) - 1), b"{}"), b"{}", SignatureProblem.BAD),
    ],
)
def test_check_signature(
    secret: str, timestamp: str, signature: str, body: bytes, problem: str | None
) -> None:
    got = check_signature(
        secret=secret,
        timestamp=timestamp,
        signature=signature,
        body=body,
        now=NOW,
        tolerance_seconds=300,
    )
    assert got == problem


def test_simulator_tracking_number() -> None:
    assert tracking_number_for("357900020000000017") == "LC0000000017DK"
