"""The calculations behind the analyst pages: input → result → tables and a chart.

One place for each calculation's presentation so the page, the XLSX and the PDF show the same
numbers.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext_lazy as _

from forsyn.economics.allocation import Allocation, AllocationResult, allocation_result
from forsyn.economics.business_case import BusinessCase, BusinessCaseResult, business_case_result
from forsyn.economics.charts import Series, bar_chart, line_chart
from forsyn.economics.equalization import Equalization, EqualizationResult, equalization_result
from forsyn.economics.exports import Table
from forsyn.economics.schemas import Output, validated

R = TypeVar("R", bound=Output)


@dataclass(frozen=True)
class Presentation:
    summary: list[tuple[str, str]]
    tables: list[Table]
    chart: str


@dataclass(frozen=True)
class Calculation(Generic[R]):
    slug: str
    title: Any
    intro: Any
    example: dict[str, Any]
    compute: Callable[[Any], R]  # parsed JSON input -> result; InputError naming the field
    present: Callable[[R], Presentation]

    @property
    def example_json(self) -> str:
        return json.dumps(self.example, ensure_ascii=False, indent=2)


def _present_business_case(result: BusinessCaseResult) -> Presentation:
    years = [str(y) for y in range(1, result.years + 1)]
    rows: list[list[Any]] = []
    for s in result.scenarios:
        for i, year in enumerate(years):
            rows.append([s.discount, year, s.net_gain_by_year[i], s.accumulated_by_year[i]])
    chart = line_chart(
        str(_("Accumulated net gain by year")),
        [f"År {y}" for y in years],
        [Series(f"Rabat {s.discount}", list(s.accumulated_by_year)) for s in result.scenarios],
    )
    scenarios = [[s.discount, s.annual_saving, s.net_gain_total] for s in result.scenarios]
    return Presentation(
        summary=[
            (str(_("Business case")), result.name),
            (str(_("Break-even discount")), result.break_even_discount),
        ],
        tables=[
            (
                str(_("Scenarios")),
                [str(_("Discount")), str(_("Annual saving")), str(_("Net gain, total"))],
                scenarios,
            ),
            (
                str(_("By year")),
                [str(_("Discount")), str(_("Year")), str(_("Net gain")), str(_("Accumulated"))],
                rows,
            ),
        ],
        chart=chart if result.scenarios else "",
    )


def _present_allocation(result: AllocationResult) -> Presentation:
    rows: list[list[Any]] = [[p.id, p.amount] for p in result.parties]
    total = sum((p.amount for p in result.parties), Decimal(0))
    return Presentation(
        summary=[(str(_("Total")), f"{total:.2f}")],
        tables=[(str(_("Allocation")), [str(_("Party")), str(_("Amount"))], rows)],
        chart=bar_chart(
            str(_("Amount per party")),
            [p.id for p in result.parties],
            [Series(str(_("Amount")), [p.amount for p in result.parties])],
        ),
    )


def _present_equalization(result: EqualizationResult) -> Presentation:
    rows: list[list[Any]] = []
    summary: list[tuple[str, str]] = []
    labels: list[str] = []
    before: list[Decimal] = []
    after: list[Decimal] = []
    for region in result.regions:
        text = f"{region.status}, {region.total_transfer:.2f}"
        if region.remaining_with:
            text += " · " + ", ".join(f"{r.id}: {r.amount:.2f}" for r in region.remaining_with)
        summary.append((f"Region {region.region}", text))
        for p in region.parties:
            rows.append([region.region, p.id, p.delta_before, p.transfer, p.delta_after])
            labels.append(p.id)
            before.append(p.delta_before)
            after.append(p.delta_after)
    return Presentation(
        summary=summary,
        tables=[
            (
                str(_("Equalization")),
                [
                    str(_("Region")),
                    str(_("Party")),
                    str(_("Delta before")),
                    str(_("Transfer")),
                    str(_("Delta after")),
                ],
                rows,
            )
        ],
        chart=bar_chart(
            str(_("Extra cost (+) or gain (−) per party, before and after equalization")),
            labels,
            [Series(str(_("Before")), before), Series(str(_("After")), after)],
        ),
    )


# The pages' addresses under /analyse/ are Danish. "Business case" is the Danish public sector's
# own term (the page's Danish title too). The English addresses of before redirect (OLD_SLUGS).
BUSINESS_CASE = "business-case"
ALLOCATION = "fordeling"
EQUALIZATION = "udligning"
OLD_SLUGS = {"allocation": ALLOCATION, "equalization": EQUALIZATION}

EXAMPLE_PARTIES: Sequence[dict[str, Any]] = [
    {"id": "1082", "kind": "region", "group": "region", "citizens": 0, "population": 1},
    {
        "id": "751",
        "kind": "municipality",
        "group": "municipalities",
        "citizens": 871,
        "population": 367095,
    },
    {
        "id": "730",
        "kind": "municipality",
        "group": "municipalities",
        "citizens": 310,
        "population": 99600,
    },
    {
        "id": "740",
        "kind": "municipality",
        "group": "municipalities",
        "citizens": 300,
        "population": 97800,
    },
]

CALCULATIONS: dict[str, Calculation[Any]] = {
    c.slug: c
    for c in (
        Calculation(
            BUSINESS_CASE,
            _("Business case"),
            _("Break-even discount and the net gain year by year for the discounts you evaluate."),
            {
                "name": "Urologi 2024",
                "years": 4,
                "annual_spend": "117600000",
                "one_off_costs": {"project": "2875676"},
                "annual_costs": {"licences": "1225200", "operations": "10644212"},
                "evaluate_discounts": ["0.10", "0.12"],
            },
            lambda data: business_case_result(validated(BusinessCase, data)),
            _present_business_case,
        ),
        Calculation(
            ALLOCATION,
            _("Cost allocation"),
            _(
                "Split an amount among parties by a key: parties, citizens, population, or "
                "fixed shares between groups with a key inside each group."
            ),
            {
                "amount": "1350000",
                "key": {
                    "fixed": {"region": "0.35", "municipalities": "0.65"},
                    "within": {"municipalities": "citizens"},
                },
                "parties": list(EXAMPLE_PARTIES),
            },
            lambda data: allocation_result(validated(Allocation, data)),
            _present_allocation,
        ),
        Calculation(
            EQUALIZATION,
            _("Equalization"),
            _(
                "Parties that gain compensate parties that lose, per region, up to the cap. "
                "Transfer: positive pays, negative receives."
            ),
            {
                "cap_per_region": "12000000",
                "key": "savings",
                "parties": [
                    {
                        "id": "1082",
                        "kind": "region",
                        "region": "1082",
                        "baseline_cost": "1000000",
                        "new_cost": "10000000",
                    },
                    {
                        "id": "751",
                        "kind": "municipality",
                        "region": "1082",
                        "baseline_cost": "30000000",
                        "new_cost": "21000000",
                    },
                    {
                        "id": "730",
                        "kind": "municipality",
                        "region": "1082",
                        "baseline_cost": "12000000",
                        "new_cost": "8500000",
                    },
                    {
                        "id": "740",
                        "kind": "municipality",
                        "region": "1082",
                        "baseline_cost": "11000000",
                        "new_cost": "10200000",
                    },
                ],
            },
            lambda data: equalization_result(validated(Equalization, data)),
            _present_equalization,
        ),
    )
}
