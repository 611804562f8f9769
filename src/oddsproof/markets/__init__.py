"""Markets over claims: odds bets, the order book and claim market, the reasoner that decides
what to do with a coin resting on a claim, and reputation (``docs/bets.md``).
"""

from ._bets import BetMatch as BetMatch
from ._bets import BetOrder as BetOrder
from ._bets import BetOutcome as BetOutcome
from ._bets import BetSettlement as BetSettlement
from ._bets import BetSide as BetSide
from ._bets import BetTerms as BetTerms
from ._bets import OrderCancel as OrderCancel
from ._bets import OrderReason as OrderReason
from ._bets import authorises as authorises
from ._bets import check_odds as check_odds
from ._bets import countersign as countersign
from ._bets import mutual_settlement as mutual_settlement
from ._bets import odds_price as odds_price
from ._bets import settle_bet as settle_bet
from ._bets import statement_ruling as statement_ruling
from ._market import BetSigning as BetSigning
from ._market import BookLevel as BookLevel
from ._market import BookResult as BookResult
from ._market import ClaimMarket as ClaimMarket
from ._market import ClosedOrder as ClosedOrder
from ._market import CloseReason as CloseReason
from ._market import MarketExpiry as MarketExpiry
from ._market import MarketQuote as MarketQuote
from ._market import MarketResolution as MarketResolution
from ._market import OrderBook as OrderBook
from ._market import PendingBet as PendingBet
from ._market import PostResult as PostResult
from ._market import implied_fraud as implied_fraud
from ._reasoner import ActionValue as ActionValue
from ._reasoner import CheckValue as CheckValue
from ._reasoner import ClaimAction as ClaimAction
from ._reasoner import ClaimDecision as ClaimDecision
from ._reasoner import best_check as best_check
from ._reasoner import check_value as check_value
from ._reasoner import decide as decide
from ._reasoner import detection_probability as detection_probability
from ._reasoner import dispute_value as dispute_value
from ._reasoner import fraud_probability as fraud_probability
from ._reasoner import market_value as market_value
from ._reputation import CheckPlan as CheckPlan
from ._reputation import CheckPolicy as CheckPolicy
from ._reputation import PlanReason as PlanReason
from ._reputation import Reputation as Reputation
from ._reputation import ReputationRecord as ReputationRecord
from ._reputation import achieved_epsilon as achieved_epsilon

__all__ = [
    "ActionValue",
    "BetMatch",
    "BetOrder",
    "BetOutcome",
    "BetSettlement",
    "BetSide",
    "BetSigning",
    "BetTerms",
    "BookLevel",
    "BookResult",
    "CheckPlan",
    "CheckPolicy",
    "CheckValue",
    "ClaimAction",
    "ClaimDecision",
    "ClaimMarket",
    "CloseReason",
    "ClosedOrder",
    "MarketExpiry",
    "MarketQuote",
    "MarketResolution",
    "OrderBook",
    "OrderCancel",
    "OrderReason",
    "PendingBet",
    "PlanReason",
    "PostResult",
    "Reputation",
    "ReputationRecord",
    "achieved_epsilon",
    "authorises",
    "best_check",
    "check_odds",
    "check_value",
    "countersign",
    "decide",
    "detection_probability",
    "dispute_value",
    "fraud_probability",
    "implied_fraud",
    "market_value",
    "mutual_settlement",
    "odds_price",
    "settle_bet",
    "statement_ruling",
]
