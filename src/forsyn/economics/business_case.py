"""Business case: the break-even discount and the gain over the contract period.

Savings are `annual_spend × discount` a year. Costs are the annual costs every year plus the
one-off costs in year 1. Break-even is the discount at which savings over the period pay
exactly for all costs: (one-off + years × annual) / (years × annual spend).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from forsyn.core.money import quantize_money
from forsyn.economics.schemas import (
    Amount,
    Fraction,
    Input,
    Money,
    Name,
    Output,
    Positive,
    validated,
    whole,
)

DISCOUNT_PLACES = Decimal("0.0001")


class BusinessCase(Input):
    """The input: `{"name", "years", "annual_spend", "one_off_costs": {name: amount},
    "annual_costs": {name: amount}, "evaluate_discounts": [fraction]}`."""

    name: Name
    years: Annotated[int, whole(1, 30)]
    annual_spend: Positive
    one_off_costs: dict[str, Amount] = {}
    annual_costs: dict[str, Amount] = {}
    evaluate_discounts: list[Fraction] = []

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


class ScenarioOut(Output):
    discount: str  # as given ("0.12")
    annual_saving: Money
    net_gain_total: Money
    net_gain_by_year: list[Money]
    accumulated_by_year: list[Money]


class BusinessCaseResult(Output):
    name: str
    years: int
    break_even_discount: str  # 4 decimals ("0.1070")
    scenarios: list[ScenarioOut]


def parse_business_case(data: Any) -> BusinessCase:
    return validated(BusinessCase, data)


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


def business_case_result(case: BusinessCase) -> BusinessCaseResult:
    return BusinessCaseResult(
        name=case.name,
        years=case.years,
        break_even_discount=f"{break_even_discount(case):.4f}",
        scenarios=[_scenario_out(scenario(case, d)) for d in case.evaluate_discounts],
    )


def evaluate(case: BusinessCase) -> dict[str, Any]:
    """The CLI's output: money as 2-decimal strings."""
    return business_case_result(case).model_dump(mode="json")


def _scenario_out(s: Scenario) -> ScenarioOut:
    return ScenarioOut(
        discount=f"{s.discount}",
        annual_saving=s.annual_saving,
        net_gain_total=s.net_gain_total,
        net_gain_by_year=s.net_gain_by_year,
        accumulated_by_year=s.accumulated_by_year,
    )
