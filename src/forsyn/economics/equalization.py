"""Equalization (udligning) between the parties of a region. See docs/economics.md.

Per region: delta = new cost − baseline cost (positive = extra cost). If the region's total
delta is positive the business case is negative: `not_possible`, no transfers. Otherwise the
parties with an extra cost are compensated, in full up to the cap and pro rata to their extra
cost beyond it, and the gaining parties pay by the key — never more than their own gain: a
party whose share would exceed its gain pays its whole gain and the rest is spread over the
others by the same key, until it fits. All amounts are computed in whole øre.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forsyn.core.money import split_largest_remainder
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError
from forsyn.economics.parsing import decimal_of, list_of, mapping_of, money, require

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


def parse_equalization(data: Any) -> tuple[list[EqParty], Decimal, str]:
    data = mapping_of(data, "input")
    cap = decimal_of(require(data, "cap_per_region", ""), "cap_per_region")
    key = data.get("key", "savings")
    if key not in KEYS:
        raise InputError("key", ErrorCode.KEY_UNKNOWN, {"key": str(key), "keys": ", ".join(KEYS)})
    baseline_prices = _prices(data, "baseline_prices")
    new_prices = _prices(data, "new_prices")
    parties: list[EqParty] = []
    seen: set[str] = set()
    for i, item in enumerate(list_of(require(data, "parties", ""), "parties", min_length=1)):
        path = f"parties[{i}]"
        item = mapping_of(item, path)
        party_id = str(require(item, "id", path)).strip()
        if not party_id:
            raise InputError(f"{path}.id", ErrorCode.EMPTY)
        if party_id in seen:
            raise InputError(f"{path}.id", ErrorCode.DUPLICATE_ID, {"id": str(party_id)})
        seen.add(party_id)
        kind = require(item, "kind", path)
        if kind not in KINDS:
            raise InputError(
                f"{path}.kind", ErrorCode.CHOICE_UNKNOWN, {"choices": ", ".join(KINDS)}
            )
        region = item.get("region")
        if region is None or not str(region).strip():
            raise InputError(f"{path}.region", ErrorCode.REGION_REQUIRED)
        if "consumption" in item:
            baseline, new = _costs_from_consumption(
                item["consumption"], f"{path}.consumption", baseline_prices, new_prices
            )
        else:
            baseline = decimal_of(require(item, "baseline_cost", path), f"{path}.baseline_cost")
            new = decimal_of(require(item, "new_cost", path), f"{path}.new_cost")
        citizens = item.get("citizens")
        population = item.get("population")
        parties.append(
            EqParty(
                id=party_id,
                kind=kind,
                region=str(region).strip(),
                baseline_cost=baseline,
                new_cost=new,
                citizens=decimal_of(citizens, f"{path}.citizens") if citizens is not None else None,
                population=(
                    decimal_of(population, f"{path}.population") if population is not None else None
                ),
            )
        )
        if (
            key in ("citizens", "population")
            and parties[-1].delta_ore < 0
            and (getattr(parties[-1], key) is None)
        ):
            raise InputError(f"{path}.{key}", ErrorCode.REQUIRED_BY_KEY, {"key": key})
    return parties, cap, key


def _prices(data: Mapping[str, Any], key: str) -> dict[str, Decimal]:
    raw = mapping_of(data.get(key, {}), key)
    return {str(k): decimal_of(v, f"{key}.{k}") for k, v in raw.items()}


def _costs_from_consumption(
    raw: Any, field: str, baseline: Mapping[str, Decimal], new: Mapping[str, Decimal]
) -> tuple[Decimal, Decimal]:
    total_baseline = Decimal(0)
    total_new = Decimal(0)
    for j, row in enumerate(list_of(raw, field)):
        row_path = f"{field}[{j}]"
        row = mapping_of(row, row_path)
        product = str(require(row, "product", row_path))
        pieces = decimal_of(require(row, "pieces", row_path), f"{row_path}.pieces")
        if product not in baseline:
            raise InputError(f"baseline_prices.{product}", ErrorCode.PRICE_MISSING)
        if product not in new:
            raise InputError(f"new_prices.{product}", ErrorCode.PRICE_MISSING)
        total_baseline += pieces * baseline[product]
        total_new += pieces * new[product]
    return total_baseline, total_new


def equalize(parties: Sequence[EqParty], cap: Decimal, key: str) -> list[RegionResult]:
    by_region: dict[str, list[EqParty]] = defaultdict(list)
    for party in parties:
        by_region[party.region].append(party)
    return [equalize_region(r, by_region[r], cap, key) for r in sorted(by_region)]


def equalize_input(data: Any) -> dict[str, Any]:
    parties, cap, key = parse_equalization(data)
    return {"regions": [region_out(r) for r in equalize(parties, cap, key)]}


def region_out(result: RegionResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "region": result.region,
        "status": result.status,
        "total_transfer": money(_amount(result.total_transfer)),
        "parties": [
            {
                "id": p.id,
                "delta_before": money(_amount(p.delta_before)),
                "transfer": money(_amount(p.transfer)),
                "delta_after": money(_amount(p.delta_after)),
            }
            for p in result.parties
        ],
    }
    if result.status == "capped":
        out["remaining_extra_cost"] = money(_amount(result.remaining_extra_cost))
        out["remaining_with"] = [
            {"id": p.id, "amount": money(_amount(p.delta_after))}
            for p in result.parties
            if p.delta_after > 0
        ]
    return out
