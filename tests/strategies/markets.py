"""Bet terms and odds for the market tests."""

from __future__ import annotations

from hypothesis import strategies as st

import oddsproof.strategies as public

# --- bets ---
from oddsproof.markets import BetOrder, BetTerms, OrderCancel

from .values import digests, objects_by_kind, times

bet_odds = public.odds()
"""Odds (b, l) in lowest terms, as orders carry them."""
bet_terms = public.bet_terms
bet_orders = public.bet_orders


objects_by_kind.update(
    {
        BetTerms: bet_terms(),
        BetOrder: bet_orders(),
        OrderCancel: st.builds(OrderCancel, order=digests, issued=times),
    }
)
