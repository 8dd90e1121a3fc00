"""Business case: the break-even discount and the gain over the contract period.

Savings are `annual_spend × discount` a year. Costs are the annual costs every year plus the
one-off costs in year 1. Break-even is the discount at which savings over the period pay
exactly for all costs: (one-off + years × annual) / (years × annual spend).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forsyn.core.money import quantize_money
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError
from forsyn.economics.parsing import decimal_of, int_of, list_of, mapping_of, money, require

DISCOUNT_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class BusinessCase:
    name: str
    years: int
    annual_spend: Decimal
    one_off_costs: dict[str, Decimal]
    annual_costs: dict[str, Decimal]
    evaluate_discounts: list[Decimal]

    @property
    def one_off_total(self) -> Decimal:
        return sum(self.one_off_costs.values(), Decimal(0))

    @property
    def annual_total(self) -> Decimal:
        return sum(self.annual_costs.values(), Decimal(0))


@dataclass(frozen=True)
class Scenario:
    discount: Decimal
    annual_saving: Decimal
    net_gain_by_year: list[Decimal]
    accumulated_by_year: list[Decimal]

    @property
    def net_gain_total(self) -> Decimal:
        return self.accumulated_by_year[-1]


def parse_business_case(data: Any) -> BusinessCase:
    data = mapping_of(data, "input")
    name = require(data, "name", "")
    if not isinstance(name, str) or not name.strip():
        raise InputError("name", ErrorCode.TEXT_REQUIRED)
    years = int_of(require(data, "years", ""), "years", minimum=1, maximum=30)
    spend = decimal_of(require(data, "annual_spend", ""), "annual_spend")
    if spend == 0:
        raise InputError("annual_spend", ErrorCode.NOT_POSITIVE)

    def costs(key: str) -> dict[str, Decimal]:
        raw = mapping_of(data.get(key, {}), key)
        return {str(k): decimal_of(v, f"{key}.{k}") for k, v in raw.items()}

    discounts = [
        decimal_of(d, f"evaluate_discounts[{i}]")
        for i, d in enumerate(list_of(data.get("evaluate_discounts", []), "evaluate_discounts"))
    ]
    for i, d in enumerate(discounts):
        if d > 1:
            raise InputError(f"evaluate_discounts[{i}]", ErrorCode.NOT_A_FRACTION)
    return BusinessCase(
        name=name.strip(),
        years=years,
        annual_spend=spend,
        one_off_costs=costs("one_off_costs"),
        annual_costs=costs("annual_costs"),
        evaluate_discounts=discounts,
    )


def break_even_discount(case: BusinessCase) -> Decimal:
    total_cost = case.one_off_total + case.years * case.annual_total
    exact = total_cost / (case.years * case.annual_spend)
    return exact.quantize(DISCOUNT_PLACES, rounding=ROUND_HALF_UP)


def scenario(case: BusinessCase, discount: Decimal) -> Scenario:
    saving = quantize_money(case.annual_spend * discount)
    by_year: list[Decimal] = []
    accumulated: list[Decimal] = []
    running = Decimal(0)
    for year in range(1, case.years + 1):
        cost = case.annual_total + (case.one_off_total if year == 1 else 0)
        net = quantize_money(saving - cost)
        running += net
        by_year.append(net)
        accumulated.append(running)
    return Scenario(discount, saving, by_year, accumulated)


def evaluate(case: BusinessCase) -> dict[str, Any]:
    """The CLI's and the page's output: money as 2-decimal strings."""
    return {
        "name": case.name,
        "years": case.years,
        "break_even_discount": f"{break_even_discount(case):.4f}",
        "scenarios": [_scenario_out(scenario(case, d)) for d in case.evaluate_discounts],
    }


def _scenario_out(s: Scenario) -> Mapping[str, Any]:
    return {
        "discount": f"{s.discount}",
        "annual_saving": money(s.annual_saving),
        "net_gain_total": money(s.net_gain_total),
        "net_gain_by_year": [money(v) for v in s.net_gain_by_year],
        "accumulated_by_year": [money(v) for v in s.accumulated_by_year],
    }
