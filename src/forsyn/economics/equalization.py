"""Equalization (udligning) between the parties of a region. See docs/economics.md.

Per region: delta = new cost − baseline cost (positive = extra cost). If the region's total
delta is positive the business case is negative: `not_possible`, no transfers. Otherwise the
parties with an extra cost are compensated, in full up to the cap and pro rata to their extra
cost beyond it, and the gaining parties pay by the key — never more than their own gain: a
party whose share would exceed its gain pays its whole gain and the rest is spread over the
others by the same key, until it fits. All amounts are computed in whole øre.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Self

from pydantic import Field, PlainValidator, model_validator

from forsyn.core.money import split_largest_remainder
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.schemas import (
    Amount,
    Identifier,
    Input,
    Label,
    MaybeAmount,
    Money,
    Output,
    choice,
    problem,
    refuse,
    unique_ids,
    validated,
)

KEYS = ("savings", "citizens", "population", "equal")
KINDS = ("region", "municipality")


@dataclass(frozen=True)
class EqParty:
    id: str
    kind: str
    region: str
    baseline_cost: Decimal
    new_cost: Decimal
    citizens: Decimal | None = None
    population: Decimal | None = None

    @property
    def delta_ore(self) -> int:
        return _ore(self.new_cost) - _ore(self.baseline_cost)


@dataclass(frozen=True)
class PartyResult:
    id: str
    delta_before: int  # øre
    transfer: int  # øre; positive pays, negative receives

    @property
    def delta_after(self) -> int:
        return self.delta_before + self.transfer


@dataclass(frozen=True)
class RegionResult:
    region: str
    status: str  # equalized | capped | not_possible
    total_transfer: int  # øre moved from payers to receivers
    parties: list[PartyResult]

    @property
    def remaining_extra_cost(self) -> int:
        return sum(max(p.delta_after, 0) for p in self.parties)


def _ore(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _amount(ore: int) -> Decimal:
    return Decimal(ore) / 100


def _weights(parties: Sequence[EqParty], key: str) -> list[Decimal]:
    if key == "savings":
        return [Decimal(-p.delta_ore) for p in parties]
    if key == "equal":
        return [Decimal(1)] * len(parties)
    values = [getattr(p, key) for p in parties]
    return [v if v is not None else Decimal(0) for v in values]


def _pay(gainers: Sequence[EqParty], amount_ore: int, key: str) -> dict[str, int]:
    """Spread `amount_ore` over the gainers by `key`, no one beyond its own gain."""
    payments: dict[str, int] = {}
    active = list(gainers)
    remaining = amount_ore
    while active and remaining > 0:
        weights = _weights(active, key)
        total = sum(weights, Decimal(0))
        if total == 0:
            # Nobody left has any weight under this key: the rest goes by the gains.
            weights = _weights(active, "savings")
            total = sum(weights, Decimal(0))
        over = [
            p
            for p, w in zip(active, weights, strict=True)
            if Decimal(remaining) * w / total > -p.delta_ore
        ]
        if not over:
            parts = split_largest_remainder(_amount(remaining), weights)
            for p, part in zip(active, parts, strict=True):
                payments[p.id] = _ore(part)
            return payments
        for p in over:
            payments[p.id] = -p.delta_ore
            remaining -= -p.delta_ore
            active.remove(p)
    return payments


def equalize_region(
    region: str, parties: Sequence[EqParty], cap: Decimal, key: str
) -> RegionResult:
    deltas = {p.id: p.delta_ore for p in parties}
    total = sum(deltas.values())
    if total > 0:
        return RegionResult(
            region, "not_possible", 0, [PartyResult(p.id, deltas[p.id], 0) for p in parties]
        )
    losers = [p for p in parties if deltas[p.id] > 0]
    gainers = [p for p in parties if deltas[p.id] < 0]
    needed = sum(deltas[p.id] for p in losers)
    cap_ore = _ore(cap)
    moved = min(needed, cap_ore)
    received: dict[str, int] = {}
    if losers and moved > 0:
        if needed <= cap_ore:
            received = {p.id: deltas[p.id] for p in losers}
        else:
            parts = split_largest_remainder(_amount(moved), [Decimal(deltas[p.id]) for p in losers])
            received = {p.id: _ore(part) for p, part in zip(losers, parts, strict=True)}
    paid = _pay(gainers, moved, key) if moved > 0 else {}
    results = [
        PartyResult(p.id, deltas[p.id], paid.get(p.id, 0) - received.get(p.id, 0)) for p in parties
    ]
    status = "equalized" if needed <= cap_ore else "capped"
    return RegionResult(region, status, moved, results)


def _region(value: Any) -> str:
    if value is None or isinstance(value, bool) or not str(value).strip():
        raise refuse(ErrorCode.REGION_REQUIRED)
    return str(value).strip()


class ConsumptionLine(Input):
    product: Label
    pieces: Amount


class PartyCosts(Input):
    """A party: its costs before and after (`baseline_cost`, `new_cost`), or its consumption
    priced by the input's `baseline_prices` and `new_prices`."""

    id: Identifier
    kind: Annotated[str, choice(KINDS)]
    # Left out or null is "required: every party belongs to a region", not plain "required".
    region: Annotated[str, PlainValidator(_region)] = Field(default=None, validate_default=True)
    consumption: list[ConsumptionLine] | None = None
    baseline_cost: MaybeAmount = None
    new_cost: MaybeAmount = None
    citizens: MaybeAmount = None
    population: MaybeAmount = None

    @model_validator(mode="after")
    def _costs_or_consumption(self) -> Self:
        if self.consumption is None:
            for name in ("baseline_cost", "new_cost"):
                if getattr(self, name) is None:
                    raise problem(ErrorCode.REQUIRED, (name,))
        return self


def _key(value: Any) -> str:
    if value not in KEYS:
        raise refuse(ErrorCode.KEY_UNKNOWN, key=str(value), keys=", ".join(KEYS))
    return str(value)


class Equalization(Input):
    """The input: `{"cap_per_region", "key"?, "baseline_prices"?, "new_prices"?, "parties"}`."""

    cap_per_region: Amount
    key: Annotated[str, PlainValidator(_key)] = "savings"
    baseline_prices: dict[str, Amount] = {}
    new_prices: dict[str, Amount] = {}
    parties: list[PartyCosts] = Field(min_length=1)

    @model_validator(mode="after")
    def _parties_fit(self) -> Self:
        unique_ids(self.parties)
        for i, party in enumerate(self.calculation_parties()):
            if (
                self.key in ("citizens", "population")
                and party.delta_ore < 0
                and getattr(party, self.key) is None
            ):
                raise problem(ErrorCode.REQUIRED_BY_KEY, ("parties", i, self.key), key=self.key)
        return self

    def calculation_parties(self) -> list[EqParty]:
        """The parties with their costs (from their consumption where given)."""
        parties: list[EqParty] = []
        for i, party in enumerate(self.parties):
            if party.consumption is not None:
                baseline, new = self._priced(party.consumption)
            elif party.baseline_cost is not None and party.new_cost is not None:
                baseline, new = party.baseline_cost, party.new_cost
            else:  # unreachable: PartyCosts refuses it
                raise problem(ErrorCode.REQUIRED, ("parties", i, "baseline_cost"))
            parties.append(
                EqParty(
                    id=party.id,
                    kind=party.kind,
                    region=party.region,
                    baseline_cost=baseline,
                    new_cost=new,
                    citizens=party.citizens,
                    population=party.population,
                )
            )
        return parties

    def _priced(self, consumption: Sequence[ConsumptionLine]) -> tuple[Decimal, Decimal]:
        total_baseline = Decimal(0)
        total_new = Decimal(0)
        for line in consumption:
            if line.product not in self.baseline_prices:
                raise problem(ErrorCode.PRICE_MISSING, ("baseline_prices", line.product))
            if line.product not in self.new_prices:
                raise problem(ErrorCode.PRICE_MISSING, ("new_prices", line.product))
            total_baseline += line.pieces * self.baseline_prices[line.product]
            total_new += line.pieces * self.new_prices[line.product]
        return total_baseline, total_new


def parse_equalization(data: Any) -> tuple[list[EqParty], Decimal, str]:
    case = validated(Equalization, data)
    return case.calculation_parties(), case.cap_per_region, case.key


def equalize(parties: Sequence[EqParty], cap: Decimal, key: str) -> list[RegionResult]:
    by_region: dict[str, list[EqParty]] = defaultdict(list)
    for party in parties:
        by_region[party.region].append(party)
    return [equalize_region(r, by_region[r], cap, key) for r in sorted(by_region)]


class PartyTransfer(Output):
    id: str
    delta_before: Money
    transfer: Money  # positive pays, negative receives
    delta_after: Money


class Remaining(Output):
    id: str
    amount: Money


class RegionOut(Output):
    region: str
    status: str  # equalized | capped | not_possible
    total_transfer: Money
    parties: list[PartyTransfer]
    # Only when capped: the extra cost left, and with whom.
    remaining_extra_cost: Money | None = None
    remaining_with: list[Remaining] | None = None


class EqualizationResult(Output):
    regions: list[RegionOut]


def equalization_result(case: Equalization) -> EqualizationResult:
    results = equalize(case.calculation_parties(), case.cap_per_region, case.key)
    return EqualizationResult(regions=[region_out(r) for r in results])


def equalize_input(data: Any) -> dict[str, Any]:
    """The CLI's output for an input: amounts as 2-decimal strings."""
    return equalization_result(validated(Equalization, data)).model_dump(
        mode="json", exclude_none=True
    )


def region_out(result: RegionResult) -> RegionOut:
    capped = result.status == "capped"
    return RegionOut(
        region=result.region,
        status=result.status,
        total_transfer=_amount(result.total_transfer),
        parties=[
            PartyTransfer(
                id=p.id,
                delta_before=_amount(p.delta_before),
                transfer=_amount(p.transfer),
                delta_after=_amount(p.delta_after),
            )
            for p in result.parties
        ],
        remaining_extra_cost=_amount(result.remaining_extra_cost) if capped else None,
        remaining_with=[
            Remaining(id=p.id, amount=_amount(p.delta_after))
            for p in result.parties
            if p.delta_after > 0
        ]
        if capped
        else None,
    )
