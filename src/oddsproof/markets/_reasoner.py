"""The reasoner: what a party offered a coin resting on a claim F(X) = Y should do with it.

Charlie need not recompute F(X). He estimates the probability p that the claim is false (from
the claimant's reputation and the market's prices), and compares, in exact arithmetic:

- accepting the coin as is (expected value V − p·L, L = V − R the loss if the claim fails);
- counting it at a discount (its expected value, rounded down to whole units);
- a spot check of k pieces, which catches a claim faking at least a fraction f of the pieces
  with probability 1 − (1 − f)^k, worth p·L·(1 − (1 − f)^k) for k·c (+ an overhead);
- hedging with the market: laying the statement at the best back odds b:l so that a failure
  pays L, worth p·L − (1 − p)·L·l/b (− a fee);
- a full dispute, which finds the truth for sure, worth p·L for its cost.

:func:`decide` picks the action with the largest positive net value (ties: verify, then the
market, then a dispute); if none pays, it accepts as is when the expected loss rounds up to at
most ``tolerance`` units and otherwise discounts. Every function is pure; money and
probabilities are :class:`fractions.Fraction` (floats appear only to estimate where to start an
exact search). Formulas, symbols and worked cases: ``docs/bets.md``.
"""

from __future__ import annotations

import enum
import math
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.wire import INT_LIMIT

from ._bets import check_odds
from ._market import MarketQuote
from ._reputation import DEFAULT_PRIOR, ReputationRecord, _prior

DEFAULT_MAX_CHECKS: Final = 65_536
"""The most checks :func:`best_check` considers unless told otherwise."""

Exact = int | Fraction


def _exact(
    name: str, value: object, *, low: Fraction | None = None, high: Fraction | None = None
) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidArgument(f"{name} is exact (an int or a Fraction), got {value!r}")
    exact = Fraction(value)
    if low is not None and exact < low:
        raise InvalidArgument(f"{name} must be at least {low}, got {value!r}")
    if high is not None and exact > high:
        raise InvalidArgument(f"{name} must be at most {high}, got {value!r}")
    return exact


def _money(name: str, value: object) -> int:
    if type(value) is not int or not 0 <= value < INT_LIMIT:
        raise InvalidArgument(f"{name} is an amount in integer units, got {value!r}")
    return value


def _fraud_fraction(value: object) -> Fraction:
    f = _exact("fraud_fraction", value, low=Fraction(0), high=Fraction(1))
    if not 0 < f < 1:
        raise InvalidArgument(f"fraud_fraction must lie strictly between 0 and 1, got {value!r}")
    return f


def _probability(value: object) -> Fraction:
    return _exact("fraud_probability", value, low=Fraction(0), high=Fraction(1))


def detection_probability(k: int, fraud_fraction: Exact) -> Fraction:
    """``1 - (1 - f)**k``: the chance that ``k`` uniform checks catch a claim faking a
    fraction ``f`` of the pieces (exact)."""
    if type(k) is not int or k < 0:
        raise InvalidArgument(f"k is a non-negative integer, got {k!r}")
    return 1 - (1 - _fraud_fraction(fraud_fraction)) ** k


def fraud_probability(
    record: ReputationRecord | None = None,
    *,
    market: MarketQuote | Fraction | None = None,
    market_weight: Exact = Fraction(1, 2),
    prior: tuple[int, int] = DEFAULT_PRIOR,
) -> Fraction:
    """The probability that the claimant's claim is false.

    From reputation: the Beta(a, b) posterior mean ``(failed + a) / (checked + a + b)``
    (``a / (a + b)`` for a party never checked). From the market: the implied fraud
    probability (the midpoint of the best prices, :class:`MarketQuote`). With both, the linear
    pool ``(1 - w)·p_reputation + w·p_market``; a market quote without both sides is ignored.
    """
    if record is None:
        a, b = _prior(prior)
        p_rep = Fraction(a, a + b)
    elif isinstance(record, ReputationRecord):
        p_rep = record.fraud_probability(prior)
    else:
        raise InvalidArgument("record is a ReputationRecord or None")
    w = _exact("market_weight", market_weight, low=Fraction(0), high=Fraction(1))
    if isinstance(market, MarketQuote):
        market = market.fraud
    if market is None:
        return p_rep
    p_mkt = _probability(market)
    return (1 - w) * p_rep + w * p_mkt


def _non_negative(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Fraction) or value < 0:
        raise InvalidArgument(f"{attr.name} is a non-negative Fraction, got {value!r}")


def _fraction(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Fraction):
        raise InvalidArgument(f"{attr.name} is a Fraction, got {value!r}")


@attrs.frozen
class ActionValue:
    """The value of an action relative to accepting the coin as is: the expected loss it
    removes (``value``), what it costs, and ``net = value - cost``."""

    value: Fraction = attrs.field(validator=_fraction)
    cost: Fraction = attrs.field(validator=_non_negative)
    net: Fraction = attrs.field(validator=_fraction)

    def __attrs_post_init__(self) -> None:
        if self.net != self.value - self.cost:
            raise InvalidArgument("net must equal value - cost")


@attrs.frozen
class CheckValue:
    """The value of information of a spot check of ``k`` pieces: ``detection`` =
    1 − (1 − f)^k, ``value`` = p·L·detection, ``cost`` = overhead + k·c (0 when k = 0),
    ``net`` = value − cost."""

    k: int = attrs.field(validator=attrs.validators.instance_of(int))
    detection: Fraction = attrs.field(validator=_non_negative)
    value: Fraction = attrs.field(validator=_non_negative)
    cost: Fraction = attrs.field(validator=_non_negative)
    net: Fraction = attrs.field(validator=_fraction)

    def __attrs_post_init__(self) -> None:
        if self.k < 0 or self.net != self.value - self.cost:
            raise InvalidArgument("k >= 0 and net = value - cost")


def _loss(value: int, recovery: int) -> int:
    _money("value", value)
    _money("recovery", recovery)
    if recovery > value:
        raise InvalidArgument(f"recovery ({recovery}) cannot exceed the value ({value})")
    return value - recovery


def check_value(
    k: int,
    *,
    value: int,
    fraud_probability: Exact,
    fraud_fraction: Exact,
    cost_per_check: Exact,
    overhead: Exact = 0,
    recovery: int = 0,
) -> CheckValue:
    """The value of information of checking ``k`` pieces before accepting a coin worth
    ``value`` (see :class:`CheckValue`)."""
    loss = _loss(value, recovery)
    p = _probability(fraud_probability)
    c = _exact("cost_per_check", cost_per_check, low=Fraction(0))
    c0 = _exact("overhead", overhead, low=Fraction(0))
    detection = detection_probability(k, fraud_fraction)
    voi = p * loss * detection
    cost = c0 + k * c if k else Fraction(0)
    return CheckValue(k, detection, voi, cost, voi - cost)


def best_check(
    *,
    value: int,
    fraud_probability: Exact,
    fraud_fraction: Exact,
    cost_per_check: Exact,
    overhead: Exact = 0,
    recovery: int = 0,
    max_checks: int = DEFAULT_MAX_CHECKS,
) -> CheckValue:
    """The spot check with the largest net value, k in [0, max_checks] (the fewest checks
    among equals).

    The (j+1)-th check adds ``p·L·f·(1 - f)**j`` to the value, a decreasing amount, so the best
    k ≥ 1 is the least j ≥ 1 with ``p·L·f·(1 - f)**j <= c`` (capped at ``max_checks``), found
    exactly; it is kept only if its net value beats not checking (k = 0, net 0).
    """
    loss = _loss(value, recovery)
    p = _probability(fraud_probability)
    f = _fraud_fraction(fraud_fraction)
    c = _exact("cost_per_check", cost_per_check, low=Fraction(0))
    if type(max_checks) is not int or max_checks < 1:
        raise InvalidArgument(f"max_checks is a positive integer, got {max_checks!r}")

    def at(k: int) -> CheckValue:
        return check_value(
            k,
            value=value,
            fraud_probability=p,
            fraud_fraction=f,
            cost_per_check=c,
            overhead=overhead,
            recovery=recovery,
        )

    gain = p * loss * f  # what the first check adds
    if gain == 0:
        return at(0)
    k = max(1, min(max_checks, _least_power_below(1 - f, c / gain, max_checks)))
    candidate = at(k)
    return candidate if candidate.net > 0 else at(0)


def _least_power_below(q: Fraction, threshold: Fraction, cap: int) -> int:
    """The least j >= 0 with ``q**j <= threshold`` (0 < q < 1), or ``cap + 1`` if above cap."""
    if threshold >= 1:
        return 0
    if threshold == 0:
        return cap + 1
    # A float estimate (logs of the integers, so nothing underflows), then exact correction.
    log_t = math.log(threshold.numerator) - math.log(threshold.denominator)
    log_q = math.log(q.numerator) - math.log(q.denominator)
    estimate = math.ceil(log_t / log_q)
    if estimate > cap + 2:
        return cap + 1
    j = max(0, estimate)
    while j > 0 and q ** (j - 1) <= threshold:
        j -= 1
    while q**j > threshold:
        j += 1
        if j > cap:
            return cap + 1
    return j


def dispute_value(
    *, value: int, fraud_probability: Exact, dispute_cost: Exact, recovery: int = 0
) -> ActionValue:
    """A full dispute (bisection, arbitration) settles the truth: it removes the whole expected
    loss ``p·L`` for ``dispute_cost``."""
    loss = _loss(value, recovery)
    p = _probability(fraud_probability)
    cost = _exact("dispute_cost", dispute_cost, low=Fraction(0))
    return ActionValue(p * loss, cost, p * loss - cost)


def market_value(
    *,
    value: int,
    fraud_probability: Exact,
    odds: tuple[int, int],
    fee: Exact = 0,
    recovery: int = 0,
) -> ActionValue:
    """Hedging with the market: lay the statement at the best back odds ``(b, l)`` for
    ``L·l/b`` so that a failure pays ``L``. It removes the expected loss ``p·L`` and costs the
    stake lost when the claim holds, ``(1 - p)·L·l/b``, plus ``fee``."""
    loss = _loss(value, recovery)
    p = _probability(fraud_probability)
    back, lay = check_odds(odds)
    charge = _exact("fee", fee, low=Fraction(0))
    cost = (1 - p) * loss * Fraction(lay, back) + charge
    return ActionValue(p * loss, cost, p * loss - cost)


class ClaimAction(enum.Enum):
    """What to do with a coin resting on a claim."""

    ACCEPT = "accept"
    """Take it at face value: the expected loss is within tolerance."""
    DISCOUNT = "discount"
    """Take it at its discounted (expected) value: no verification pays for itself."""
    VERIFY = "verify"
    """Spot-check ``k`` pieces first."""
    ASK_MARKET = "ask-market"
    """Lay the statement at the market's best back odds (peers who know bet on it)."""
    DISPUTE = "dispute"
    """Open a full dispute: the stakes justify finding the truth."""


@attrs.frozen
class ClaimDecision:
    """The reasoner's answer and every number behind it (all exact)."""

    action: ClaimAction = attrs.field(validator=attrs.validators.instance_of(ClaimAction))
    value: int = attrs.field(validator=attrs.validators.instance_of(int))
    fraud_probability: Fraction = attrs.field(validator=_non_negative)
    expected_value: Fraction = attrs.field(validator=_non_negative)
    """V − p·L: what the coin is worth in expectation."""
    expected_loss: Fraction = attrs.field(validator=_non_negative)
    """p·L: what accepting it as is loses in expectation."""
    discounted_value: int = attrs.field(validator=attrs.validators.instance_of(int))
    """⌊V − p·L⌋ = V − ⌈p·L⌉: the whole units to count the coin as."""
    check: CheckValue = attrs.field(validator=attrs.validators.instance_of(CheckValue))
    dispute: ActionValue = attrs.field(validator=attrs.validators.instance_of(ActionValue))
    market: ActionValue | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(ActionValue))
    )
    reason: str = attrs.field(validator=attrs.validators.instance_of(str))

    @property
    def k(self) -> int:
        """The checks to make (0 unless the action is to verify)."""
        return self.check.k if self.action is ClaimAction.VERIFY else 0

    def explain(self) -> str:
        """The decision and its numbers, one per line (floats for reading only)."""
        lines = [
            f"action: {self.action.value} ({self.reason})",
            f"P(claim false) = {float(self.fraud_probability):.6g}",
            f"expected value = {float(self.expected_value):.6g} of {self.value}",
            f"expected loss if accepted = {float(self.expected_loss):.6g}",
            f"discounted value = {self.discounted_value}",
            f"check k={self.check.k}: detects {float(self.check.detection):.6g}, "
            f"value {float(self.check.value):.6g}, cost {float(self.check.cost):.6g}, "
            f"net {float(self.check.net):.6g}",
            f"dispute: value {float(self.dispute.value):.6g}, cost {float(self.dispute.cost):.6g},"
            f" net {float(self.dispute.net):.6g}",
        ]
        if self.market is not None:
            lines.append(
                f"market hedge: value {float(self.market.value):.6g}, cost "
                f"{float(self.market.cost):.6g}, net {float(self.market.net):.6g}"
            )
        return "\n".join(lines)


def decide(
    *,
    value: int,
    fraud_probability: Exact,
    fraud_fraction: Exact,
    cost_per_check: Exact,
    dispute_cost: Exact,
    overhead: Exact = 0,
    recovery: int = 0,
    market_odds: tuple[int, int] | None = None,
    market_fee: Exact = 0,
    tolerance: int = 0,
    max_checks: int = DEFAULT_MAX_CHECKS,
) -> ClaimDecision:
    """Decide what to do with a coin worth ``value`` resting on a claim false with probability
    ``fraud_probability``.

    Net values relative to accepting as is: the best spot check (:func:`best_check`), the
    market hedge at ``market_odds`` (the best back odds, if any: :func:`market_value`), and a
    full dispute (:func:`dispute_value`). The largest positive one wins (ties: verify, then the
    market, then a dispute). If none is positive: accept as is when ``⌈p·L⌉ <= tolerance``
    (whole units), otherwise discount to ``V − ⌈p·L⌉``.
    """
    loss = _loss(value, recovery)
    p = _probability(fraud_probability)
    tol = _money("tolerance", tolerance)
    check = best_check(
        value=value,
        fraud_probability=p,
        fraud_fraction=fraud_fraction,
        cost_per_check=cost_per_check,
        overhead=overhead,
        recovery=recovery,
        max_checks=max_checks,
    )
    dispute = dispute_value(
        value=value, fraud_probability=p, dispute_cost=dispute_cost, recovery=recovery
    )
    market = (
        None
        if market_odds is None
        else market_value(
            value=value, fraud_probability=p, odds=market_odds, fee=market_fee, recovery=recovery
        )
    )
    expected_loss = p * loss
    rounded_loss = math.ceil(expected_loss)
    candidates: list[tuple[ClaimAction, Fraction]] = [(ClaimAction.VERIFY, check.net)]
    if market is not None:
        candidates.append((ClaimAction.ASK_MARKET, market.net))
    candidates.append((ClaimAction.DISPUTE, dispute.net))
    best_action, best_net = candidates[0]
    for action, net in candidates[1:]:
        if net > best_net:
            best_action, best_net = action, net
    if best_net > 0:
        action = best_action
        reason = f"{action.value} has the largest positive net value"
    elif rounded_loss <= tol:
        action = ClaimAction.ACCEPT
        reason = f"expected loss {rounded_loss} (rounded up) is within tolerance {tol}"
    else:
        action = ClaimAction.DISCOUNT
        reason = "no verification pays for itself; count the coin at its expected value"
    return ClaimDecision(
        action,
        value,
        p,
        value - expected_loss,
        expected_loss,
        value - rounded_loss,
        check,
        dispute,
        market,
        reason,
    )
