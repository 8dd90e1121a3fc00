"""Money and prices: Decimal only.

Prices per piece carry 4 decimals (1 øre per catheter is real); amounts carry 2. Rounding is
ROUND_HALF_UP and happens only at the documented boundaries: a line total and an invoice total.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_PLACES = Decimal("0.01")
PRICE_PLACES = Decimal("0.0001")


def quantize_money(amount: Decimal) -> Decimal:
    return amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def quantize_price(price: Decimal) -> Decimal:
    return price.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def parse_decimal(text: str) -> Decimal:
    """Parse a decimal written the Danish way ("1.234,50") or the English way ("1234.50").

    Raises ValueError with a message suitable for a user.
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("is empty")
    if "," in cleaned:
        # Danish: "." groups thousands, "," separates decimals.
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text.strip()}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"'{text.strip()}' is not a number")
    return value


def split_largest_remainder(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` (2 decimals) by `weights` so the parts add up exactly, in øre.

    Each part gets the floor of its exact share in øre; the øre left over go one each to the
    parts with the largest remainders (ties to the earlier part).
    """
    if not weights:
        raise ValueError("at least one weight is needed")
    if any(w < 0 for w in weights):
        raise ValueError("weights may not be negative")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        raise ValueError("the weights add up to zero")
    total_ore = int((total * 100).to_integral_value(rounding=ROUND_HALF_UP))
    sign = -1 if total_ore < 0 else 1
    total_ore = abs(total_ore)
    exact = [Decimal(total_ore) * w / weight_sum for w in weights]
    floors = [int(x) for x in exact]
    left = total_ore - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(sign * ore) / 100 for ore in floors]
