"""Delivery pauses (issue #10 §3): allocation passes over a paused citizen's orders and records
why; ending the pause allocates them. The minimum shelf life per product area differs for a
citizen's delivery and a ward's bulk order."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from forsyn.audit.models import AccessLogEntry
from forsyn.core.errors import DomainError, NotFound, PermissionDenied
from forsyn.core.models import OutboxMessage
from forsyn.core.outbox import outbox_dispatch
from forsyn.fulfilment.models import AllocationSkip, DeliveryPause, ShelfLifeMinimum, StockMove
from forsyn.fulfilment.pauses import (
    citizen_pauses,
    current_pause,
    delivery_pause_end,
    delivery_pause_start,
    pause_notes,
    paused_citizens,
)
from forsyn.fulfilment.services import orders_allocate
from forsyn.orders.models import Order
from tests import factories as f
from tests.contexts import ctx
from tests.fulfilment.helpers import World, ledger_matches_totals, world
from tests.fulfilment.stock_helpers import NOW, approved_order, stock
from tests.querycount import statements

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
ALLOCATE_QUERIES = 11  # tests/fulfilment/test_stock.py: a batch of orders, whatever its size


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def caseworker() -> Any:
    return f.make_user("caseworker", f.municipality("751"))


def allocated(order: Order) -> list[tuple[str, int]]:
    return list(
        StockMove.objects.filter(order=order, kind="allocation")
        .order_by("pk")
        .values_list("lot__lot_number", "allocated_delta")
    )


def test_allocation_passes_over_a_paused_citizen_and_records_why(w: World, caseworker: Any) -> None:
    stock(w, w.bag, "B1", 100)
    paused_citizen, other = f.CitizenFactory(), f.CitizenFactory()
    waiting = approved_order({w.bag: 30}, citizen=paused_citizen)
    served = approved_order({w.bag: 20}, citizen=other)
    pause = delivery_pause_start(
        ctx=ctx(caseworker),
        citizen_id=paused_citizen.pk,
        starts_on=TODAY,
        reason="hospital_admission",
        at=NOW,
    )
    entry = AccessLogEntry.objects.get()
    assert (entry.citizen_id, entry.action, entry.resource, entry.purpose) == (
        paused_citizen.pk,
        "change",
        "delivery pauses",
        "Sagsbehandling efter serviceloven §112",
    )
    result = orders_allocate(order_ids=[waiting.pk, served.pk], at=NOW)
    assert (result.allocated, result.back_ordered, result.paused) == ([served.pk], [], [waiting.pk])
    assert dict(Order.objects.values_list("pk", "status")) == {
        waiting.pk: "approved",
        served.pk: "allocated",
    }
    assert allocated(waiting) == []
    skip = AllocationSkip.objects.get()
    assert (skip.order, skip.pause, skip.first_at, skip.last_at) == (waiting, pause, NOW, NOW)
    # Passed over again: the same row, a later time.
    later = NOW + dt.timedelta(hours=3)
    orders_allocate(order_ids=[waiting.pk], at=later)
    skip.refresh_from_db()
    assert (AllocationSkip.objects.count(), skip.first_at, skip.last_at) == (1, NOW, later)
    assert pause_notes(order_ids=[waiting.pk, served.pk]) == {waiting.pk: skip}
    assert paused_citizens(citizen_ids=[paused_citizen.pk, other.pk], on=TODAY) == {
        paused_citizen.pk
    }
    assert current_pause(citizen_id=paused_citizen.pk, on=TODAY) == pause
    assert ledger_matches_totals() == []


def test_ending_the_pause_allocates_the_waiting_orders(w: World, caseworker: Any) -> None:
    stock(w, w.bag, "B1", 100)
    citizen = f.CitizenFactory()
    waiting = approved_order({w.bag: 30}, citizen=citizen)
    pause = delivery_pause_start(
        ctx=ctx(caseworker), citizen_id=citizen.pk, starts_on=TODAY, reason="staff", at=NOW
    )
    orders_allocate(order_ids=[waiting.pk], at=NOW)
    ended = delivery_pause_end(ctx=ctx(caseworker), pause_id=pause.pk)
    today = timezone.localdate()
    assert (ended.ends_on, ended.ended_by) == (max(today, TODAY), caseworker)
    message = OutboxMessage.objects.get(topic="deliveries.resumed")
    assert message.payload == {"citizen": citizen.pk, "pause": pause.pk}
    outbox_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    waiting.refresh_from_db()
    assert waiting.status == "allocated"
    assert allocated(waiting) == [("B1", 30)]
    # The page no longer says why it waited: it does not wait.
    assert pause_notes(order_ids=[waiting.pk]) == {}
    with pytest.raises(DomainError) as caught:
        delivery_pause_end(ctx=ctx(caseworker), pause_id=pause.pk)
    with translation.override("da"):
        assert caught.value.texts() == ["Pausen er allerede afsluttet."]
    assert [e.action for e in AccessLogEntry.objects.order_by("seq")] == ["change", "change"]


@pytest.mark.parametrize(
    ("starts", "ends", "allocated_now"),
    [
        (TODAY + dt.timedelta(days=1), None, True),  # not begun
        (TODAY - dt.timedelta(days=9), TODAY, True),  # deliveries resume today
        (TODAY - dt.timedelta(days=9), TODAY + dt.timedelta(days=1), False),
        (TODAY, None, False),
    ],
)
def test_a_pause_covers_its_half_open_days(
    w: World, starts: dt.date, ends: dt.date | None, allocated_now: bool
) -> None:
    stock(w, w.bag, "B1", 100)
    citizen = f.CitizenFactory()
    order = approved_order({w.bag: 30}, citizen=citizen)
    DeliveryPause.objects.create(
        citizen=citizen, starts_on=starts, ends_on=ends, reason="other", created_at=NOW
    )
    result = orders_allocate(order_ids=[order.pk], at=NOW)
    assert (result.allocated == [order.pk], result.paused == [order.pk]) == (
        allocated_now,
        not allocated_now,
    )


def test_pause_input_is_checked_in_danish_and_nothing_is_saved(w: World, caseworker: Any) -> None:
    citizen = f.CitizenFactory()
    with pytest.raises(DomainError) as caught:
        delivery_pause_start(
            ctx=ctx(caseworker),
            citizen_id=citizen.pk,
            starts_on=TODAY,
            ends_on=TODAY,
            reason="holiday",
            at=NOW,
        )
    assert [name for name, _ in caught.value.problems] == ["ends_on", "reason"]
    with translation.override("da"):
        assert caught.value.texts() == [
            "Leveringerne skal genoptages efter pausens første dag.",
            "Vælg en af de viste årsager.",
        ]
    with pytest.raises(DomainError) as caught:
        delivery_pause_start(
            ctx=ctx(caseworker),
            citizen_id=citizen.pk,
            starts_on=TODAY + dt.timedelta(days=400),
            reason="staff",
            at=NOW,
        )
    assert caught.value.fields["starts_on"].code == "pause_date_range"
    assert DeliveryPause.objects.count() == 0
    assert AccessLogEntry.objects.count() == 0


def test_who_may_pause(w: World, caseworker: Any) -> None:
    citizen = f.CitizenFactory()
    with pytest.raises(PermissionDenied):
        delivery_pause_start(
            ctx=ctx(w.operator), citizen_id=citizen.pk, starts_on=TODAY, reason="staff", at=NOW
        )
    elsewhere = f.make_user("caseworker", f.municipality("101"))
    with pytest.raises(NotFound):
        delivery_pause_start(
            ctx=ctx(elsewhere), citizen_id=citizen.pk, starts_on=TODAY, reason="staff", at=NOW
        )
    with pytest.raises(NotFound):
        citizen_pauses(ctx=ctx(elsewhere), citizen_id=citizen.pk)
    agent = f.make_user("service_agent", f.service_centre())
    with pytest.raises(DomainError) as caught:  # FSC staff state why
        delivery_pause_start(
            ctx=ctx(agent), citizen_id=citizen.pk, starts_on=TODAY, reason="staff", at=NOW
        )
    assert caught.value.fields["purpose"].code == "purpose_required"
    assert DeliveryPause.objects.count() == 0
    # A hospital admission message (a later issue) pauses without a person: actor None.
    pause = delivery_pause_start(
        ctx=None,
        citizen_id=citizen.pk,
        starts_on=TODAY,
        reason="hospital_admission",
        source_reference="medcom:abc",
        at=NOW,
    )
    assert (pause.created_by, pause.source_reference) == (None, "medcom:abc")
    assert AccessLogEntry.objects.count() == 0
    page = citizen_pauses(ctx=ctx(caseworker), citizen_id=citizen.pk)
    assert page.pauses == [pause]


def test_the_statement_count_of_allocation_with_a_paused_citizen(w: World) -> None:
    stock(w, w.bag, "B1", 10_000)
    warm = [approved_order({w.bag: 10}) for _ in range(2)]
    orders_allocate(order_ids=[o.pk for o in warm], at=NOW)
    for n in (2, 20):
        citizen = f.CitizenFactory()
        DeliveryPause.objects.create(
            citizen=citizen, starts_on=TODAY, reason="staff", created_at=NOW
        )
        ids = [approved_order({w.bag: 10}).pk for _ in range(n)]
        ids.append(approved_order({w.bag: 10}, citizen=citizen).pk)
        result, sql = statements(lambda ids=ids: orders_allocate(order_ids=ids, at=NOW))
        assert (len(result.allocated), len(result.paused)) == (n, 1)
        # the skip's upsert is the one statement more
        assert len(sql) == ALLOCATE_QUERIES + 1, "\n".join(sql)


# -- Minimum remaining shelf life: a citizen's delivery and a ward's bulk order ---------------


def test_minimum_shelf_life_per_area_for_citizens_and_wards(w: World, settings: Any) -> None:
    settings.FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS = 30
    stock(w, w.bag, "SHORT", 100, "260610")  # 100 days left on 2026-03-02
    stock(w, w.bag, "LONG", 100, "270406")  # 400 days left
    unit = f.hospital_unit()
    citizen_order = approved_order({w.bag: 10}, placed=NOW - dt.timedelta(hours=2))
    ward_order = approved_order({w.bag: 10}, ward_unit=unit, placed=NOW - dt.timedelta(hours=1))
    # Settings: a citizen's delivery needs 180 days, a ward's 30.
    assert (settings.FORSYN_MIN_SHELF_LIFE_DAYS, settings.FORSYN_MIN_WARD_SHELF_LIFE_DAYS) == (
        180,
        30,
    )
    orders_allocate(order_ids=[citizen_order.pk, ward_order.pk], at=NOW)
    assert (allocated(citizen_order), allocated(ward_order)) == ([("LONG", 10)], [("SHORT", 10)])

    # The area's row decides over the settings: here the ward needs more than SHORT has.
    ShelfLifeMinimum.objects.create(product_area=f.area(), citizen_days=90, ward_days=120)
    citizen2 = approved_order({w.bag: 5}, placed=NOW - dt.timedelta(minutes=2))
    ward2 = approved_order({w.bag: 5}, ward_unit=unit, placed=NOW - dt.timedelta(minutes=1))
    orders_allocate(order_ids=[citizen2.pk, ward2.pk], at=NOW)
    assert (allocated(citizen2), allocated(ward2)) == ([("SHORT", 5)], [("LONG", 5)])
    assert ledger_matches_totals() == []
