"""Money between Decimals at the edges and integers inside the frames.

Every currency we pay in has two decimals, so an amount is held as an int64 of minor units
(fen, cents). Rates and multipliers are held as integers at their own scale, products are
formed exactly, and each pay line is divided and rounded once, half up, by `divide`.
"""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

MINOR = 100  # minor units to a major unit, for every currency we pay in
CENT = Decimal("0.01")


def to_minor(amount: Decimal | None) -> int:
    return int((Decimal(amount or 0) * MINOR).to_integral_value(rounding=ROUND_HALF_UP))


def from_minor(minor: int) -> Decimal:
    return (Decimal(int(minor)) / MINOR).quantize(CENT)


def scaled(value: Decimal | None, scale: int) -> int:
    """A rate or multiplier as an integer at `scale` (0.9 at 10,000 is 9,000). The models'
    decimal places make this exact."""
    return int(Decimal(value or 0) * scale)


def divide(numerator, denominator):
    """numerator / denominator rounded half up (ties away from zero, as ROUND_HALF_UP does),
    for ints or int64 Series. The one rounding of a pay line."""
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        numerator = pd.Series(numerator).astype("int64")
        sign = np.sign(numerator).astype("int64")
        result = sign * ((numerator.abs() * 2 + denominator) // (denominator * 2))
        return result.astype("int64")
    sign = -1 if numerator < 0 else 1
    return sign * ((abs(int(numerator)) * 2 + int(denominator)) // (int(denominator) * 2))
