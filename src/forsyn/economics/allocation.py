"""Cost allocation: split an amount among parties by a key, exactly, in øre.

Keys: "parties" (equal per party), "citizens" (citizens with a grant), "population", or a fixed
split between groups `{"fixed": {"region": "0.35", "municipalities": "0.65"}, "within":
{"municipalities": "citizens"}}` — shares per `group`, then a key inside each group (a group
without a `within` key splits equally). Every split uses largest-remainder rounding, so the
parts always add up to the amount.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, PlainValidator, model_validator

from forsyn.core.money import split_largest_remainder
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.schemas import (
    Amount,
    Cents,
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

SIMPLE_KEYS = ("parties", "equal", "citizens", "population")
KINDS = ("region", "municipality")


class Party(Input):
    id: Identifier
    kind: Annotated[str, choice(KINDS)]
    group: Label | None = None
    citizens: MaybeAmount = None
    population: MaybeAmount = None


def _simple_key(value: Any) -> str:
    if not isinstance(value, str):
        raise refuse(ErrorCode.CHOICE_UNKNOWN, choices=", ".join(SIMPLE_KEYS))
    if value not in SIMPLE_KEYS:
        raise refuse(ErrorCode.KEY_UNKNOWN, key=value, keys=", ".join(SIMPLE_KEYS))
    return value


SimpleKey = Annotated[str, PlainValidator(_simple_key)]


class FixedKey(Input):
    """Fixed shares per group (adding up to 1), then a simple key within each group."""

    model_config = ConfigDict(extra="forbid")

    fixed: dict[str, Amount]
    within: dict[str, SimpleKey] = {}

    @model_validator(mode="after")
    def _shares(self) -> Self:
        if not self.fixed:
            raise problem(ErrorCode.NO_GROUP, ("fixed",))
        total = sum(self.fixed.values(), Decimal(0))
        if total != 1:
            raise problem(ErrorCode.SHARES_NOT_ONE, ("fixed",), total=str(total))
        for group in self.within:
            if group not in self.fixed:
                raise problem(ErrorCode.GROUP_NOT_IN_FIXED, ("within", group))
        return self


def _key(value: Any) -> str | FixedKey:
    if isinstance(value, str):
        return _simple_key(value)
    if not isinstance(value, dict):
        raise refuse(ErrorCode.NOT_AN_OBJECT)
    # A ValidationError here keeps its paths, under "key".
    return FixedKey.model_validate(value)


Key = Annotated[str | FixedKey, PlainValidator(_key)]


class Allocation(Input):
    """The input: `{"amount", "key", "parties": [{"id", "kind", "group"?, "citizens"?,
    "population"?}]}`."""

    amount: Cents
    parties: list[Party] = Field(min_length=1)
    key: Key

    @model_validator(mode="after")
    def _key_fits_the_parties(self) -> Self:
        unique_ids(self.parties)
        if isinstance(self.key, str):
            _weights(self.parties, self.key, ("key",), range(len(self.parties)))
            return self
        members = _members(self.parties, self.key)
        for group, index in members.items():
            _weights(
                [self.parties[i] for i in index],
                self.key.within.get(group, "equal"),
                ("key", "within", group),
                index,
            )
        return self


class PartyAmount(Output):
    id: str
    amount: Money


class AllocationResult(Output):
    parties: list[PartyAmount]


def _members(parties: Sequence[Party], key: FixedKey) -> dict[str, list[int]]:
    """The index of each party per group of the key (every party in one, every group with
    one), or the problem."""
    members: dict[str, list[int]] = {g: [] for g in key.fixed}
    for i, party in enumerate(parties):
        if party.group is None:
            raise problem(ErrorCode.GROUP_REQUIRED, ("parties", i, "group"))
        if party.group not in members:
            raise problem(ErrorCode.GROUP_UNKNOWN, ("parties", i, "group"), group=party.group)
        members[party.group].append(i)
    for group, index in members.items():
        if not index:
            raise problem(ErrorCode.GROUP_EMPTY, ("key", "fixed", group))
    return members


def _weights(
    parties: Sequence[Party], key: str, where: tuple[str, ...], index: Sequence[int]
) -> list[Decimal]:
    """The parties' weights under a simple key, or the problem (a party without the figure
    the key needs, figures that add up to 0)."""
    if key in ("parties", "equal"):
        return [Decimal(1)] * len(parties)
    values: list[Decimal] = []
    for party, i in zip(parties, index, strict=True):
        value: Decimal | None = getattr(party, key)
        if value is None:
            raise problem(ErrorCode.REQUIRED_BY_KEY, ("parties", i, key), key=key)
        values.append(value)
    if sum(values) == 0:
        raise problem(ErrorCode.KEY_ADDS_UP_TO_ZERO, where, key=key)
    return values


def allocate(amount: Decimal, key: str | FixedKey, parties: Sequence[Party]) -> list[Decimal]:
    """The part of each party, in the order given; the parts add up to `amount`. The key fits
    the parties (as `Allocation` checks)."""
    index = list(range(len(parties)))
    if isinstance(key, str):
        return split_largest_remainder(amount, _weights(parties, key, ("key",), index))
    members = _members(parties, key)
    groups = list(key.fixed)
    group_amounts = split_largest_remainder(amount, [key.fixed[g] for g in groups])
    parts = [Decimal(0)] * len(parties)
    for group, group_amount in zip(groups, group_amounts, strict=True):
        idx = members[group]
        inner = _weights(
            [parties[i] for i in idx], key.within.get(group, "equal"), ("key", "within", group), idx
        )
        for i, part in zip(idx, split_largest_remainder(group_amount, inner), strict=True):
            parts[i] = part
    return parts


def allocation_result(case: Allocation) -> AllocationResult:
    parts = allocate(case.amount, case.key, case.parties)
    return AllocationResult(
        parties=[PartyAmount(id=p.id, amount=a) for p, a in zip(case.parties, parts, strict=True)]
    )


def allocate_input(data: Any) -> dict[str, Any]:
    """The CLI's output for an input: each party's amount as a 2-decimal string."""
    return allocation_result(validated(Allocation, data)).model_dump(mode="json")
