"""Cost allocation: split an amount among parties by a key, exactly, in øre.

Keys: "parties" (equal per party), "citizens" (citizens with a grant), "population", or a fixed
split between groups `{"fixed": {"region": "0.35", "municipalities": "0.65"}, "within":
{"municipalities": "citizens"}}` — shares per `group`, then a key inside each group (a group
without a `within` key splits equally). Every split uses largest-remainder rounding, so the
parts always add up to the amount.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forsyn.core.money import split_largest_remainder
from forsyn.economics.error_codes import ErrorCode
from forsyn.economics.errors import InputError
from forsyn.economics.parsing import decimal_of, list_of, mapping_of, money, require

SIMPLE_KEYS = ("parties", "equal", "citizens", "population")
KINDS = ("region", "municipality")


@dataclass(frozen=True)
class Party:
    id: str
    kind: str
    group: str | None
    citizens: Decimal | None
    population: Decimal | None


def parse_parties(raw: Any, field: str = "parties") -> list[Party]:
    parties: list[Party] = []
    seen: set[str] = set()
    for i, item in enumerate(list_of(raw, field, min_length=1)):
        path = f"{field}[{i}]"
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
        group = item.get("group")
        parties.append(
            Party(
                id=party_id,
                kind=kind,
                group=str(group) if group is not None else None,
                citizens=_optional(item, "citizens", path),
                population=_optional(item, "population", path),
            )
        )
    return parties


def _optional(item: Mapping[str, Any], key: str, path: str) -> Decimal | None:
    return decimal_of(item[key], f"{path}.{key}") if item.get(key) is not None else None


def weights(parties: Sequence[Party], key: str, field: str, index: Sequence[int]) -> list[Decimal]:
    if key in ("parties", "equal"):
        return [Decimal(1)] * len(parties)
    if key not in ("citizens", "population"):
        raise InputError(
            field, ErrorCode.KEY_UNKNOWN, {"key": str(key), "keys": ", ".join(SIMPLE_KEYS)}
        )
    values: list[Decimal] = []
    for party, i in zip(parties, index, strict=True):
        value = getattr(party, key)
        if value is None:
            raise InputError(f"parties[{i}].{key}", ErrorCode.REQUIRED_BY_KEY, {"key": key})
        values.append(value)
    if sum(values) == 0:
        raise InputError(field, ErrorCode.KEY_ADDS_UP_TO_ZERO, {"key": key})
    return values


def allocate(amount: Decimal, key: Any, parties: Sequence[Party]) -> list[Decimal]:
    """The part of each party, in the order given; the parts add up to `amount`."""
    index = list(range(len(parties)))
    if isinstance(key, str):
        return split_largest_remainder(amount, weights(parties, key, "key", index))
    key = mapping_of(key, "key")
    unknown = set(key) - {"fixed", "within"}
    if unknown:
        raise InputError(f"key.{sorted(unknown)[0]}", ErrorCode.KEY_PARTS_UNKNOWN)
    fixed = mapping_of(require(key, "fixed", "key"), "key.fixed")
    within = mapping_of(key.get("within", {}), "key.within")
    shares = {g: decimal_of(v, f"key.fixed.{g}") for g, v in fixed.items()}
    if not shares:
        raise InputError("key.fixed", ErrorCode.NO_GROUP)
    if sum(shares.values()) != 1:
        raise InputError(
            "key.fixed", ErrorCode.SHARES_NOT_ONE, {"total": str(sum(shares.values()))}
        )
    for group in within:
        if group not in shares:
            raise InputError(f"key.within.{group}", ErrorCode.GROUP_NOT_IN_FIXED)
    members: dict[str, list[int]] = {g: [] for g in shares}
    for i, party in enumerate(parties):
        if party.group is None:
            raise InputError(f"parties[{i}].group", ErrorCode.GROUP_REQUIRED)
        if party.group not in shares:
            raise InputError(
                f"parties[{i}].group", ErrorCode.GROUP_UNKNOWN, {"group": str(party.group)}
            )
        members[party.group].append(i)
    groups = list(shares)
    for group in groups:
        if not members[group]:
            raise InputError(f"key.fixed.{group}", ErrorCode.GROUP_EMPTY)
    group_amounts = split_largest_remainder(amount, [shares[g] for g in groups])
    parts = [Decimal(0)] * len(parties)
    for group, group_amount in zip(groups, group_amounts, strict=True):
        idx = members[group]
        inner_key = within.get(group, "equal")
        if not isinstance(inner_key, str):
            raise InputError(
                f"key.within.{group}", ErrorCode.CHOICE_UNKNOWN, {"choices": ", ".join(SIMPLE_KEYS)}
            )
        inner = weights([parties[i] for i in idx], inner_key, f"key.within.{group}", idx)
        for i, part in zip(idx, split_largest_remainder(group_amount, inner), strict=True):
            parts[i] = part
    return parts


def allocate_input(data: Any) -> dict[str, Any]:
    data = mapping_of(data, "input")
    amount = decimal_of(require(data, "amount", ""), "amount")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InputError("amount", ErrorCode.TOO_MANY_CENTS)
    parties = parse_parties(require(data, "parties", ""))
    parts = allocate(amount, require(data, "key", ""), parties)
    return {
        "parties": [{"id": p.id, "amount": money(a)} for p, a in zip(parties, parts, strict=True)]
    }
