"""Economics calculations: figures of DOMAIN.md, table-driven cases, hypothesis invariants."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forsyn.economics.allocation import allocate_input
from forsyn.economics.business_case import evaluate, parse_business_case
from forsyn.economics.consumption import flag_unit_errors, parse_rows
from forsyn.economics.equalization import EqParty, equalize_input, equalize_region
from forsyn.economics.errors import InputError

UROLOGY = {
    "name": "Urologi 2024",
    "years": 4,
    "annual_spend": "117600000",
    "one_off_costs": {"project": "2875676"},
    "annual_costs": {"licences": "1225200", "operations": "10644212"},
    "evaluate_discounts": ["0.10", "0.12"],
}


def test_urology_business_case() -> None:
    out = evaluate(parse_business_case(UROLOGY))
    assert out["break_even_discount"] == "0.1070"
    assert out["scenarios"][1] == {
        "discount": "0.12",
        "annual_saving": "14112000.00",
        "net_gain_total": "6094676.00",
        "net_gain_by_year": ["-633088.00", "2242588.00", "2242588.00", "2242588.00"],
        "accumulated_by_year": ["-633088.00", "1609500.00", "3852088.00", "6094676.00"],
    }
    assert out["scenarios"][0]["net_gain_total"] == "-3313324.00"


def test_break_even_scenario_is_about_zero() -> None:
    case = {**UROLOGY, "evaluate_discounts": ["0.107040"]}
    total = Decimal(evaluate(parse_business_case(case))["scenarios"][0]["net_gain_total"])
    assert abs(total) < Decimal("10000")  # 0.1070 is rounded; the exact root lies between


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"annual_spend": "abc"}, "annual_spend: 'abc' is not a number"),
        ({"annual_spend": "-5"}, "annual_spend: may not be negative"),
        ({"annual_spend": "0"}, "annual_spend: must be more than 0"),
        ({"years": 0}, "years: must be between 1 and 30"),
        ({"years": "four"}, "years: 'four' is not a whole number"),
        ({"name": ""}, "name: must be a non-empty text"),
        ({"one_off_costs": {"project": "-1"}}, "one_off_costs.project: may not be negative"),
        ({"evaluate_discounts": ["1.5"]}, "evaluate_discounts[0]: is a fraction between 0 and 1"),
        ({"evaluate_discounts": "0.1"}, "evaluate_discounts: must be a list"),
    ],
)
def test_business_case_errors(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_business_case({**UROLOGY, **change})
    assert str(exc.value) == message


def test_business_case_missing_field() -> None:
    data = dict(UROLOGY)
    del data["annual_spend"]
    with pytest.raises(InputError, match="^annual_spend: is required$"):
        parse_business_case(data)


def _urology_parties() -> list[dict[str, Any]]:
    munis = [
        {
            "id": f"m{i}",
            "kind": "municipality",
            "group": "municipalities",
            "citizens": 100 + i,
            "population": 20000 + 1000 * i,
        }
        for i in range(35)
    ]
    regions = [
        {"id": "1082", "kind": "region", "group": "region", "citizens": 0, "population": 1},
        {"id": "1083", "kind": "region", "group": "region", "citizens": 0, "population": 1},
    ]
    return munis + regions


def _group_sum(out: dict[str, Any], prefix: str) -> Decimal:
    return sum(
        (Decimal(p["amount"]) for p in out["parties"] if p["id"].startswith(prefix)), Decimal(0)
    )


def test_urology_project_costs_by_parties() -> None:
    out = allocate_input({"amount": "3040000", "key": "parties", "parties": _urology_parties()})
    municipalities, regions = _group_sum(out, "m"), _group_sum(out, "10")
    assert (municipalities, regions) == (Decimal("2875675.68"), Decimal("164324.32"))
    assert (round(municipalities), round(regions)) == (2875676, 164324)


def test_fixed_key_with_citizens_within() -> None:
    key = {
        "fixed": {"region": "0.35", "municipalities": "0.65"},
        "within": {"municipalities": "citizens"},
    }
    out = allocate_input({"amount": "1350000", "key": key, "parties": _urology_parties()})
    assert _group_sum(out, "10") == Decimal("472500.00")
    assert _group_sum(out, "m") == Decimal("877500.00")
    amounts = {p["id"]: p["amount"] for p in out["parties"]}
    assert (amounts["1082"], amounts["1083"], amounts["m0"], amounts["m34"]) == (
        "236250.00",
        "236250.00",
        "21428.57",
        "28714.29",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"amount": "100", "key": "size", "parties": [{"id": "a", "kind": "region"}]},
            "key: unknown key 'size'; use one of parties, equal, citizens, population",
        ),
        (
            {"amount": "100", "key": "citizens", "parties": [{"id": "a", "kind": "region"}]},
            "parties[0].citizens: is required by the key 'citizens'",
        ),
        (
            {"amount": "-1", "key": "parties", "parties": [{"id": "a", "kind": "region"}]},
            "amount: may not be negative",
        ),
        (
            {"amount": "1.001", "key": "parties", "parties": [{"id": "a", "kind": "region"}]},
            "amount: has more than 2 decimals",
        ),
        ({"amount": "100", "key": "parties", "parties": []}, "parties: needs at least 1 item(s)"),
        (
            {"amount": "100", "key": "parties", "parties": [{"id": "a", "kind": "county"}]},
            "parties[0].kind: must be one of region, municipality",
        ),
        (
            {
                "amount": "100",
                "key": {"fixed": {"a": "0.5", "b": "0.4"}},
                "parties": [{"id": "x", "kind": "region", "group": "a"}],
            },
            "key.fixed: the shares add up to 0.9, not 1",
        ),
        (
            {
                "amount": "100",
                "key": {"fixed": {"a": "1"}},
                "parties": [{"id": "x", "kind": "region"}],
            },
            "parties[0].group: is required by a fixed key",
        ),
        ({"key": "parties", "parties": [{"id": "a", "kind": "region"}]}, "amount: is required"),
    ],
)
def test_allocation_errors(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as exc:
        allocate_input(data)
    assert str(exc.value) == message


@given(
    st.decimals(min_value=0, max_value=10**8, places=2),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30),
    st.sampled_from(["parties", "citizens", "population"]),
)
def test_allocation_adds_up(amount: Decimal, sizes: list[int], key: str) -> None:
    parties = [
        {"id": str(i), "kind": "municipality", "citizens": s + 1, "population": s + 1}
        for i, s in enumerate(sizes)
    ]
    out = allocate_input({"amount": str(amount), "key": key, "parties": parties})
    assert sum(Decimal(p["amount"]) for p in out["parties"]) == amount


# -- equalization ------------------------------------------------------------------------


def _eq(
    parties: list[tuple[str, str, str, str]],
    cap: str = "12000000",
    key: str = "savings",
    **extra: Any,
) -> dict[str, Any]:
    return equalize_input(
        {
            "cap_per_region": cap,
            "key": key,
            "parties": [
                {
                    "id": i,
                    "kind": "region" if i.startswith("R") else "municipality",
                    "region": "R1",
                    "baseline_cost": b,
                    "new_cost": n,
                    **extra.get(i, {}),
                }
                for i, b, n, _ in parties
            ],
        }
    )


def _transfers(out: dict[str, Any]) -> dict[str, str]:
    return {p["id"]: p["transfer"] for p in out["regions"][0]["parties"]}


def test_equalized_by_savings() -> None:
    out = _eq(
        [
            ("R", "10000000", "19000000", ""),
            ("A", "30000000", "22000000", ""),
            ("B", "10000000", "6000000", ""),
        ]
    )
    region = out["regions"][0]
    assert (region["status"], region["total_transfer"]) == ("equalized", "9000000.00")
    assert _transfers(out) == {"R": "-9000000.00", "A": "6000000.00", "B": "3000000.00"}
    assert [p["delta_after"] for p in region["parties"]] == ["0.00", "-2000000.00", "-1000000.00"]


def test_capped_reports_what_remains() -> None:
    out = _eq([("R", "0", "20000000", ""), ("A", "40000000", "15000000", "")])
    region = out["regions"][0]
    assert (region["status"], region["total_transfer"]) == ("capped", "12000000.00")
    assert region["remaining_with"] == [{"id": "R", "amount": "8000000.00"}]
    assert region["remaining_extra_cost"] == "8000000.00"


def test_not_possible_when_the_region_loses() -> None:
    out = _eq([("R", "0", "9000000", ""), ("A", "10000000", "2000000", "")])
    region = out["regions"][0]
    assert (region["status"], region["total_transfer"]) == ("not_possible", "0.00")
    assert set(_transfers(out).values()) == {"0.00"}


def test_equal_key_caps_a_small_gainer_at_its_gain() -> None:
    # Equal shares would be 3,000,000 each, but B gained only 1,000,000: B pays its gain and
    # A and C share the rest equally.
    out = _eq(
        [
            ("R", "0", "9000000", ""),
            ("A", "20000000", "10000000", ""),
            ("B", "5000000", "4000000", ""),
            ("C", "20000000", "10000000", ""),
        ],
        key="equal",
    )
    assert _transfers(out) == {
        "R": "-9000000.00",
        "A": "4000000.00",
        "B": "1000000.00",
        "C": "4000000.00",
    }


def test_citizens_key() -> None:
    out = _eq(
        [
            ("R", "0", "3000000", ""),
            ("A", "20000000", "10000000", ""),
            ("B", "20000000", "10000000", ""),
        ],
        key="citizens",
        A={"citizens": 100},
        B={"citizens": 200},
    )
    assert _transfers(out) == {"R": "-3000000.00", "A": "1000000.00", "B": "2000000.00"}


def test_consumption_based_costs() -> None:
    out = equalize_input(
        {
            "cap_per_region": "12000000",
            "baseline_prices": {"cath": "9.80"},
            "new_prices": {"cath": "0.01"},
            "parties": [
                {
                    "id": "R",
                    "kind": "region",
                    "region": "R",
                    "consumption": [{"product": "cath", "pieces": 0}],
                    "baseline_cost": "0",
                    "new_cost": "0",
                },
                {
                    "id": "A",
                    "kind": "municipality",
                    "region": "R",
                    "consumption": [{"product": "cath", "pieces": 1000}],
                },
            ],
        }
    )
    assert out["regions"][0]["parties"][1]["delta_before"] == "-9790.00"


@pytest.mark.parametrize(
    ("party", "message"),
    [
        (
            {"id": "A", "kind": "municipality", "baseline_cost": "1", "new_cost": "2"},
            "parties[0].region: is required: every party belongs to a region",
        ),
        (
            {
                "id": "A",
                "kind": "municipality",
                "region": "R",
                "baseline_cost": "ten",
                "new_cost": "2",
            },
            "parties[0].baseline_cost: 'ten' is not a number",
        ),
        (
            {"id": "A", "kind": "municipality", "region": "R", "new_cost": "2"},
            "parties[0].baseline_cost: is required",
        ),
        (
            {
                "id": "A",
                "kind": "municipality",
                "region": "R",
                "baseline_cost": "-1",
                "new_cost": "2",
            },
            "parties[0].baseline_cost: may not be negative",
        ),
        (
            {
                "id": "A",
                "kind": "municipality",
                "region": "R",
                "consumption": [{"product": "x", "pieces": 1}],
            },
            "baseline_prices.x: is missing for a consumed product",
        ),
    ],
)
def test_equalization_errors(party: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as exc:
        equalize_input({"cap_per_region": "12000000", "parties": [party]})
    assert str(exc.value) == message


def test_equalization_unknown_key() -> None:
    with pytest.raises(InputError, match="^key: unknown key 'luck'"):
        equalize_input({"cap_per_region": "1", "key": "luck", "parties": []})


money = st.integers(min_value=0, max_value=5 * 10**9).map(lambda ore: Decimal(ore) / 100)


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(money, money, st.integers(min_value=0, max_value=5000)), min_size=1, max_size=12
    ),
    st.integers(min_value=0, max_value=3 * 10**9).map(lambda ore: Decimal(ore) / 100),
    st.sampled_from(["savings", "citizens", "population", "equal"]),
)
def test_equalization_invariants(
    rows: list[tuple[Decimal, Decimal, int]], cap: Decimal, key: str
) -> None:
    parties = [
        EqParty(f"p{i}", "municipality", "R", b, n, Decimal(c), Decimal(c + 1))
        for i, (b, n, c) in enumerate(rows)
    ]
    result = equalize_region("R", parties, cap, key)
    assert sum(p.transfer for p in result.parties) == 0
    for p in result.parties:
        if p.delta_before < 0:
            assert 0 <= p.transfer <= -p.delta_before  # a gainer pays at most its gain
        elif p.delta_before > 0:
            assert p.transfer <= 0  # a loser never pays
        else:
            assert p.transfer == 0
    if result.status == "equalized":
        assert all(p.delta_after <= 0 for p in result.parties)
    if result.status == "capped":
        assert result.total_transfer == int(cap * 100)
    if result.status == "not_possible":
        assert result.total_transfer == 0


# -- consumption rows -----------------------------------------------------------------------

HEADER = [
    "party",
    "product_number",
    "gtin",
    "description",
    "unit",
    "pieces_per_unit",
    "quantity",
    "price_per_unit",
    "year",
]


def test_parse_and_normalize() -> None:
    rows, errors = parse_rows(
        HEADER,
        [
            ["Aarhus", "K-1", "", "Kateter CH12", "pk", "30", "100", "294,00", "2022"],
            ["Odense", "K-1", "", "Kateter CH12", "stk", "1", "3000", "9.90", "2022"],
        ],
    )
    assert errors == []
    assert [(r.unit, r.pieces, r.price_per_piece, r.amount) for r in rows] == [
        ("box", Decimal("3000"), Decimal("9.8000"), Decimal("29400.00")),
        ("piece", Decimal("3000"), Decimal("9.9000"), Decimal("29700.00")),
    ]


def test_parse_reports_each_bad_cell() -> None:
    _, errors = parse_rows(
        HEADER,
        [
            ["", "K-1", "", "", "pk", "30", "1", "1", "2022"],
            ["Aarhus", "", "", "", "stk", "1", "1", "1", "2022"],
            ["Aarhus", "K-1", "123", "", "kasse", "30", "x", "1", "22"],
            ["Aarhus", "K-1", "", "", "stk", "30", "1", "-1", "2022"],
            ["Aarhus", "K-1", "", "", "krt", "1", "1", "1", "2022"],
        ],
    )
    assert [str(e) for e in errors] == [
        "row 2, party: is empty",
        "row 3, product_number: give a product number or a GTIN",
        "row 4, gtin: is not a valid GTIN (8, 12, 13 or 14 digits with a check digit)",
        "row 4, unit: 'kasse' is not stk, pk or krt (piece, box, carton)",
        "row 4, quantity: 'x' is not a number",
        "row 4, year: '22' is not a year",
        "row 5, pieces_per_unit: is 30 but the unit is pieces (must be 1)",
        "row 5, price_per_unit: may not be negative",
        "row 6, pieces_per_unit: is 1 but the unit is a carton: give the pieces in one",
    ]


def test_missing_columns() -> None:
    _, errors = parse_rows(["party", "unit"], [])
    assert [str(e) for e in errors][:2] == [
        "row 1, pieces_per_unit: column is missing",
        "row 1, quantity: column is missing",
    ]


def test_unit_errors_are_flagged() -> None:
    rows, _ = parse_rows(
        HEADER,
        [
            ["Aarhus", "K-1", "", "", "pk", "30", "100", "294", "2022"],
            ["Odense", "K-1", "", "", "stk", "1", "3000", "9.90", "2022"],
            # Boxes priced but reported as pieces: 30 times the real price per piece.
            ["Horsens", "K-1", "", "", "stk", "1", "100", "297", "2022"],
            ["Vejle", "K-1", "", "", "stk", "1", "500", "10.10", "2022"],
        ],
    )
    flagged = flag_unit_errors(rows)
    assert [r.party for r in flagged if r.flag] == ["Horsens"]
    assert flagged[2].flag.startswith("price per piece 297.0000 is 29.7 × the median 10.0000")


# -- The input models (pydantic, docs/adr/0022): every problem names its field ---------------

ONE_REGION = [{"id": "a", "kind": "region", "group": "a", "citizens": 0}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["not", "an", "object"], "input: must be an object"),
        ({"amount": "1", "key": "parties", "parties": ["x"]}, "parties[0]: must be an object"),
        ({"amount": "1", "key": 7, "parties": ONE_REGION}, "key: must be an object"),
        (
            {"amount": "1", "key": {"fixed": {"a": "1"}, "split": 1}, "parties": ONE_REGION},
            "key.split: unknown; use fixed and within",
        ),
        ({"amount": "1", "key": {}, "parties": ONE_REGION}, "key.fixed: is required"),
        (
            {"amount": "1", "key": {"fixed": {"a": "x"}}, "parties": ONE_REGION},
            "key.fixed.a: 'x' is not a number",
        ),
        (
            {"amount": "1", "key": {"fixed": {"a": "1"}, "within": {"b": "equal"}}, "parties": []},
            "parties: needs at least 1 item(s)",
        ),
        (
            {
                "amount": "1",
                "key": {"fixed": {"a": "1"}, "within": {"b": "equal"}},
                "parties": ONE_REGION,
            },
            "key.within.b: is not a group in key.fixed",
        ),
        (
            {
                "amount": "1",
                "key": {"fixed": {"a": "1"}, "within": {"a": "size"}},
                "parties": ONE_REGION,
            },
            "key.within.a: unknown key 'size'; use one of parties, equal, citizens, population",
        ),
        (
            {"amount": "1", "key": {"fixed": {"a": "0.5", "b": "0.5"}}, "parties": ONE_REGION},
            "key.fixed.b: no party belongs to this group",
        ),
        (
            {"amount": "1", "key": {"fixed": {"b": "1"}}, "parties": ONE_REGION},
            "parties[0].group: 'a' is not a group in key.fixed",
        ),
        (
            {"amount": "1", "key": "citizens", "parties": ONE_REGION},
            "key: the parties' citizens add up to 0",
        ),
        (
            {"amount": "1", "key": "parties", "parties": [*ONE_REGION, *ONE_REGION]},
            "parties[1].id: 'a' appears twice",
        ),
        (
            {"amount": "1", "key": "parties", "parties": [{"id": " ", "kind": "region"}]},
            "parties[0].id: is empty",
        ),
    ],
)
def test_allocation_input_problems(data: Any, message: str) -> None:
    with pytest.raises(InputError) as exc:
        allocate_input(data)
    assert str(exc.value) == message


def test_a_number_as_id_is_its_text() -> None:
    out = allocate_input(
        {"amount": "10", "key": "parties", "parties": [{"id": 751, "kind": "municipality"}]}
    )
    assert out == {"parties": [{"id": "751", "amount": "10.00"}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "cap_per_region": "1",
                "parties": [{"id": "A", "kind": "region", "region": "R", "consumption": "x"}],
            },
            "parties[0].consumption: must be a list",
        ),
        (
            {
                "cap_per_region": "1",
                "baseline_prices": {"x": "1"},
                "parties": [
                    {
                        "id": "A",
                        "kind": "region",
                        "region": "R",
                        "consumption": [{"product": "x", "pieces": 1}],
                    }
                ],
            },
            "new_prices.x: is missing for a consumed product",
        ),
        (
            {
                "cap_per_region": "1",
                "key": "citizens",
                "parties": [
                    {
                        "id": "R",
                        "kind": "region",
                        "region": "R",
                        "baseline_cost": "0",
                        "new_cost": "5",
                        "citizens": 0,
                    },
                    {
                        "id": "A",
                        "kind": "municipality",
                        "region": "R",
                        "baseline_cost": "9",
                        "new_cost": "1",
                    },
                ],
            },
            "parties[1].citizens: is required by the key 'citizens'",
        ),
        (
            {
                "cap_per_region": "1",
                "parties": [
                    {
                        "id": "A",
                        "kind": "region",
                        "region": " ",
                        "baseline_cost": "1",
                        "new_cost": "1",
                    }
                ],
            },
            "parties[0].region: is required: every party belongs to a region",
        ),
        (
            {"cap_per_region": "1", "baseline_prices": [], "parties": []},
            "baseline_prices: must be an object",
        ),
    ],
)
def test_equalization_input_problems(data: Any, message: str) -> None:
    with pytest.raises(InputError) as exc:
        equalize_input(data)
    assert str(exc.value) == message


def test_every_problem_of_an_input_is_found_in_field_order() -> None:
    with pytest.raises(InputError) as exc:
        parse_business_case(
            {"name": "", "years": 0, "one_off_costs": [], "evaluate_discounts": ["2", "x"]}
        )
    assert [str(p) for p in exc.value.problems] == [
        "name: must be a non-empty text",
        "years: must be between 1 and 30",
        "annual_spend: is required",
        "one_off_costs: must be an object",
        "evaluate_discounts[0]: is a fraction between 0 and 1",
        "evaluate_discounts[1]: 'x' is not a number",
    ]
    assert exc.value.problems[0] is exc.value
    assert [(p.field, p.code, p.params) for p in exc.value.problems[4:]] == [
        ("evaluate_discounts[0]", "not_a_fraction", {}),
        ("evaluate_discounts[1]", "not_a_number", {"value": "x"}),
    ]


def test_results_are_models_whose_json_is_the_cli_output() -> None:
    from forsyn.economics.business_case import business_case_result

    result = business_case_result(parse_business_case(UROLOGY))
    assert result.scenarios[1].net_gain_by_year[0] == Decimal("-633088.00")
    assert result.model_dump(mode="json") == evaluate(parse_business_case(UROLOGY))
    capped = _eq([("R", "0", "20000000", ""), ("A", "40000000", "15000000", "")])
    equalized = _eq([("R", "0", "1", ""), ("A", "5", "1", "")])
    assert "remaining_with" in capped["regions"][0]
    assert set(equalized["regions"][0]) == {"region", "status", "total_transfer", "parties"}
