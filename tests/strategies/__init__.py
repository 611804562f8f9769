"""Hypothesis strategies and fixtures for every object kind, one module per area; every new
feature extends the module of its area.

The general-purpose strategies (parties, ids, claims, contracts, tickets, bets, ladders, proofs)
live in the public ``oddsproof.strategies``; these modules name them as the tests use them and
add what only the tests need (fixtures, worlds, strategies tied to test helpers). Identities
come from a small pool of fixed seeds so that examples stay fast and shrink to readable names.
Tests import from the package (``from tests.strategies import ...``).
"""

from .arbitration import *  # noqa: F403
from .bisection import *  # noqa: F403
from .ledger import *  # noqa: F403
from .lottery import *  # noqa: F403
from .markets import *  # noqa: F403
from .semantics import *  # noqa: F403
from .spotcheck import *  # noqa: F403
from .values import *  # noqa: F403
