"""Verification games: spot checks, bisection, lottery tickets, bets and the fraud strategies.

Imports ``oddsproof.contracts`` and nothing above it.
"""

from ._errors import GamesError as GamesError
from ._errors import ParameterError as ParameterError
from ._planning import pass_probability as pass_probability
from ._planning import plan as plan

__all__ = [
    "GamesError",
    "ParameterError",
    "pass_probability",
    "plan",
]
