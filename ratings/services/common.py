"""Constants shared by the rating services."""

import random
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
KIND_BEHIND = "inspection_behind"
_rng = random.SystemRandom()  # undercover dates must not be predictable
