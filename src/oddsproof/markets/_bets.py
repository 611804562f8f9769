"""Odds bets end to end: "Bob bets 100 to 1 that F(X) = Y", offered to anyone, matched, settled.

A bet is the contract term :class:`~oddsproof.contracts.Bet` run by the contracts'
:class:`~oddsproof.contracts.Runtime`: both stakes are locked when it opens, a final ruling of the
contract's arbiters pays the winner, a settlement both sign ends it, and the deadline refunds
both. There is no second settlement path here; this module adds what strangers need to get there:

- :class:`BetTerms`: what every bet on one statement shares (the statement, the arbiters whose
  final ruling settles it, when trading stops, when the bets expire); its id names a market.
- :class:`BetOrder`: a poster's offer to back or lay the statement at given odds, up to a stake,
  until it expires. Signed, it is a standing authorisation: the poster's agent countersigns any
  bet contract the order :func:`authorises` (these terms, its side, odds at least as good as its
  limit, a stake within its own), and the order's stake is escrowed while it rests, so
  countersigning can never commit more than was locked.
- :class:`BetMatch`: two crossing orders and a number of lots; :meth:`BetMatch.contract` derives
  the bet contract deterministically, so anyone holding the two signed orders re-derives it.
- Settlement helpers: :func:`statement_ruling` (an arbiter's final ruling on the statement alone,
  which settles every bet on it), :func:`mutual_settlement` and :func:`settle_bet`.

Odds ``(b, l)`` mean "the backer stakes b to the layer's l" per lot. The bet is fair exactly when
the statement holds with probability ``price = b / (b + l)``, the order's price.
"""

from __future__ import annotations

import enum
import math
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.contracts import (
    Allocation,
    Bet,
    CheckReason,
    Contract,
    Ruling,
    Runtime,
    Settlement,
    Statement,
)
from oddsproof.errors import InvalidArgument, OddsproofError, Reason, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.ledger import Transfer
from oddsproof.wire import (
    INT_LIMIT,
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    Signed,
    canonical,
    tagged_hash,
)

MATCH_TAG: Final = "oddsproof/bet-match/v1"
ORDER_NONCE_SIZE: Final = 16
MAX_ARBITERS: Final = 16


class OrderReason(Reason):
    """Why an order (or a cancellation) was refused; code can switch on it."""

    MALFORMED = "malformed"
    """Bytes that do not decode to a signed order of a known kind."""
    UNSIGNED = "unsigned"
    """Not signed, a signature that does not verify, another domain, or not the poster's."""
    WRONG_MARKET = "wrong-market"
    """The order names other bet terms than this market's."""
    BAD_STAKE = "bad-stake"
    """A stake that is not a positive integer below 2**63, or below one lot at the order's odds."""
    BAD_ODDS = "bad-odds"
    """Odds that are not two positive integers in lowest terms (zero odds, say)."""
    EXPIRED = "expired"
    """Posted at or after the order's expiry or the end of trading."""
    CLOSED = "closed"
    """The market's statement has been ruled on: no more orders."""
    DUPLICATE = "duplicate"
    """An order with this id was already posted."""
    INSUFFICIENT_FUNDS = "insufficient-funds"
    """The poster cannot escrow the stake."""
    UNKNOWN_ORDER = "unknown-order"
    """A cancellation of an order that is not resting in the book."""


class BetSide(enum.Enum):
    """Which way an order bets on the statement."""

    BACK = "back"
    """The poster bets the statement holds (it is the bet's backer)."""
    LAY = "lay"
    """The poster bets it fails (it is the bet's layer)."""


def _arbiters(_inst: object, _attr: object, value: Any) -> None:
    if (
        not isinstance(value, tuple)
        or not 1 <= len(value) <= MAX_ARBITERS
        or not all(isinstance(p, Party) for p in value)
    ):
        raise InvalidArgument(f"bet terms name 1 to {MAX_ARBITERS} arbiters")
    if len({p.key.raw for p in value}) != len(value):
        raise InvalidArgument("an arbiter is named twice")


def check_odds(value: object) -> tuple[int, int]:
    """Return ``value`` if it is valid odds: two positive integers below 2**63 in lowest terms.

    Raises :class:`Refused` with ``bad-odds`` otherwise (zero or negative odds, floats, a
    pair with a common factor: 200:2 is written 100:1, so that one price has one spelling).
    """
    if (
        type(value) is not tuple
        or len(value) != 2
        or not all(type(v) is int and 1 <= v < INT_LIMIT for v in value)
    ):
        raise Refused(OrderReason.BAD_ODDS, f"odds are two positive integers: {value!r}")
    if math.gcd(value[0], value[1]) != 1:
        raise Refused(OrderReason.BAD_ODDS, f"odds {value!r} are not in lowest terms")
    return value


def _check_odds(_inst: object, _attr: object, value: Any) -> None:
    check_odds(value)


def odds_price(odds: tuple[int, int]) -> Fraction:
    """``b / (b + l)``: the probability of the statement at which odds ``(b, l)`` are fair."""
    back, lay = check_odds(odds)
    return Fraction(back, back + lay)


@canonical("bet-terms")
@attrs.frozen
class BetTerms(Canonical):
    """What every bet on one statement shares; its id names the statement's market.

    ``arbiters`` are the ladder whose *final* ruling settles the bets (a spot-check verifier, a
    bisection judge, a lottery's judge or an arbitration court). Orders are taken before
    ``trading_ends``; a match waits at most ``sign_window`` seconds for both signatures; each bet
    expires at ``settle_by`` (both stakes refunded if no final ruling came before).
    """

    statement: Statement = attrs.field(validator=attrs.validators.instance_of(Statement))
    arbiters: tuple[Party, ...] = attrs.field(validator=_arbiters)
    trading_ends: int = attrs.field(validator=v.time)
    sign_window: int = attrs.field(validator=v.positive)
    settle_by: int = attrs.field(validator=v.time)

    @settle_by.validator
    def _after_trading(self, _attr: object, value: int) -> None:
        if (
            type(self.trading_ends) is int
            and type(self.sign_window) is int
            and value <= self.trading_ends + self.sign_window
        ):
            raise InvalidArgument("bets must expire after trading ends and the last signing window")


def _check_stake(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not int or not 1 <= value < INT_LIMIT:
        raise Refused(OrderReason.BAD_STAKE, f"a stake is a positive integer: {value!r}")


def _check_order_nonce(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != ORDER_NONCE_SIZE:
        raise InvalidArgument(f"an order nonce is {ORDER_NONCE_SIZE} bytes")


@canonical("bet-order")
@attrs.frozen
class BetOrder(Canonical):
    """A poster's offer to back or lay a market's statement at ``odds``, risking at most
    ``stake``, from ``created`` until ``expires`` (exclusive). Sign it with ``Signed``.

    ``odds = (b, l)``: per lot the backer stakes b and the layer l. A back order pays b per lot
    (its stake buys ``stake // b`` lots at its own odds), a lay order l per lot. The constructor
    refuses a stake below one lot and bad odds with :class:`Refused`.
    """

    terms: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    poster: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    side: BetSide = attrs.field(validator=attrs.validators.instance_of(BetSide))
    odds: tuple[int, int] = attrs.field(validator=_check_odds)
    stake: int = attrs.field(validator=_check_stake)
    created: int = attrs.field(validator=v.time)
    expires: int = attrs.field(validator=v.time)
    nonce: bytes = attrs.field(validator=_check_order_nonce)

    def __attrs_post_init__(self) -> None:
        if self.stake < self.lot:
            raise Refused(
                OrderReason.BAD_STAKE,
                f"a stake of {self.stake} is less than one lot ({self.lot}) at {self.odds}",
            )

    @property
    def price(self) -> Fraction:
        """``b / (b + l)``: the probability of the statement at which the order is fair."""
        return Fraction(self.odds[0], self.odds[0] + self.odds[1])

    @property
    def lot(self) -> int:
        """What the poster stakes per lot at its own odds: b for a back order, l for a lay."""
        return self.odds[0] if self.side is BetSide.BACK else self.odds[1]


@canonical("bet-cancel")
@attrs.frozen
class OrderCancel(Canonical):
    """The poster's request to withdraw a resting order; sign it with ``Signed``."""

    order: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    issued: int = attrs.field(validator=v.time)


def _lots(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not int or not 1 <= value < INT_LIMIT:
        raise InvalidArgument(f"a match is a positive number of lots, got {value!r}")


@attrs.frozen
class BetMatch:
    """Two crossing orders, matched for ``lots`` lots at the resting order's ``odds``.

    Made by the order book; :meth:`contract` turns it into the bet contract both posters sign.
    ``sequence`` numbers the book's matches, so the same two orders matched twice give two
    contracts.
    """

    terms: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    back: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    lay: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    backer: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    layer: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    odds: tuple[int, int] = attrs.field(validator=_check_odds)
    lots: int = attrs.field(validator=_lots)
    sequence: int = attrs.field(validator=v.time)
    time: int = attrs.field(validator=v.time)

    @property
    def backer_stake(self) -> int:
        """The backer's stake: ``lots * b``."""
        return self.lots * self.odds[0]

    @property
    def layer_stake(self) -> int:
        """The layer's stake: ``lots * l``."""
        return self.lots * self.odds[1]

    @property
    def nonce(self) -> bytes:
        """The contract nonce: 16 bytes of the tagged hash of terms, both orders and sequence."""
        return tagged_hash(
            MATCH_TAG, self.terms.raw, self.back.raw, self.lay.raw, self.sequence.to_bytes(8, "big")
        ).raw[:16]

    def contract(self, terms: BetTerms) -> Contract:
        """The bet contract: the backer stakes ``backer_stake`` to the layer's ``layer_stake``
        that the statement holds, settled by the terms' arbiters before ``settle_by``."""
        if not isinstance(terms, BetTerms) or terms.id != self.terms:
            raise InvalidArgument("the match belongs to other bet terms")
        try:
            bet = Bet(
                self.backer,
                self.layer,
                terms.statement,
                self.backer_stake,
                self.layer_stake,
                terms.settle_by,
            )
            return Contract(
                (self.backer, self.layer),
                bet,
                arbiters=terms.arbiters,
                created=self.time,
                nonce=self.nonce,
            )
        except OddsproofError as exc:  # stakes beyond 2**63, the same party on both sides
            raise InvalidArgument(f"the match makes no valid bet: {exc}") from exc


def _signed_order(order: Signed[BetOrder], domain: Domain) -> BetOrder:
    if not isinstance(order, Signed) or not isinstance(order.body, BetOrder):
        raise Refused(OrderReason.UNSIGNED, "expected a signed BetOrder")
    try:
        return order.verify(domain, signers=[order.body.poster])
    except SignatureError as exc:
        raise Refused(OrderReason.UNSIGNED, f"not signed by its poster: {exc}") from exc


def authorises(order: BetOrder, terms: BetTerms, contract: Contract) -> Bet:
    """Return the contract's bet if ``order`` authorises its poster to sign ``contract``.

    The contract must be exactly one :class:`Bet` between two parties on the terms' statement, with
    the terms' arbiters and deadline, no beacon and no Δ; the poster on its order's side; made while
    the order was live; the poster's stake within the order's; and the odds at least as good for the
    poster as its limit (a backer stakes at most b per l won, a layer wins at least b per l staked).
    Raises :class:`InvalidArgument` naming the first mismatch. Each contract is checked alone: the
    order's escrow is what bounds the sum of its fills.
    """
    if not isinstance(order, BetOrder) or not isinstance(terms, BetTerms):
        raise InvalidArgument("authorises takes a BetOrder and BetTerms")
    if not isinstance(contract, Contract):
        raise InvalidArgument("authorises checks a Contract")
    bet = contract.terms
    if order.terms != terms.id:
        raise InvalidArgument("the order is for other bet terms")
    if not isinstance(bet, Bet):
        raise InvalidArgument("the contract is not a single bet")
    if bet.statement != terms.statement or bet.deadline != terms.settle_by:
        raise InvalidArgument("the bet's statement or deadline differs from the terms'")
    if contract.arbiters != terms.arbiters or contract.beacon is not None or contract.delta:
        raise InvalidArgument("the contract's arbiters, beacon or delta differ from the terms'")
    if contract.parties != (bet.backer, bet.layer):
        raise InvalidArgument("the contract's parties are not the bet's backer and layer")
    mine = bet.backer if order.side is BetSide.BACK else bet.layer
    if mine.key != order.poster.key:
        raise InvalidArgument(
            f"the poster is not the bet's {'backer' if order.side is BetSide.BACK else 'layer'}"
        )
    if not order.created <= contract.created < min(order.expires, terms.trading_ends):
        raise InvalidArgument("the contract was made outside the order's life")
    stake = bet.backer_stake if order.side is BetSide.BACK else bet.layer_stake
    if stake > order.stake:
        raise InvalidArgument(f"the bet stakes {stake}, more than the order's {order.stake}")
    back, lay = order.odds
    # Compare bet.backer_stake / bet.layer_stake with b / l by cross-multiplying (exact).
    ratio, limit = bet.backer_stake * lay, back * bet.layer_stake
    if (order.side is BetSide.BACK and ratio > limit) or (
        order.side is BetSide.LAY and ratio < limit
    ):
        raise InvalidArgument("the bet's odds are worse for the poster than the order's limit")
    return bet


def countersign(
    contract: Contract | Signed[Contract],
    order: Signed[BetOrder],
    terms: BetTerms,
    identity: Identity,
    domain: Domain,
) -> Signed[Contract]:
    """The poster's agent: sign (or co-sign) ``contract`` if the poster's signed order
    authorises it; raise :class:`InvalidArgument` (or :class:`Refused`) otherwise."""
    body = contract.body if isinstance(contract, Signed) else contract
    placed = _signed_order(order, domain)
    if not isinstance(identity, Identity) or identity.key != placed.poster.key:
        raise InvalidArgument("only the order's poster can countersign for it")
    authorises(placed, terms, body)
    if isinstance(contract, Signed):
        if contract.domain != domain:
            raise InvalidArgument("the contract was signed in another domain")
        return contract if contract.signed_by(identity.key) else contract.cosign(identity)
    return Signed.create(body, domain, identity)


def statement_ruling(
    lower: Signed[Ruling],
    arbiter: Identity,
    *,
    domain: Domain,
    now: int | None = None,
) -> Signed[Ruling]:
    """``arbiter``'s final ruling on the statement alone, resting on ``lower`` (its evidence).

    A ruling that names a contract (a bisection judge's names the offer the claim answered)
    settles only that contract; one with ``contract=None`` settles every bet and payment
    waiting on the statement. The arbiter (one of the bets' arbiters) checks ``lower`` first
    (``check_ruling`` for a bisection, ``check_certificate`` for a spot check); this function
    checks only its signature, then copies the outcome, statement, claim and level.
    """
    if not isinstance(arbiter, Identity):
        raise InvalidArgument("the arbiter is the Identity that signs the ruling")
    if not isinstance(lower, Signed) or not isinstance(lower.body, Ruling):
        raise InvalidArgument("expected a signed Ruling")
    try:
        body = lower.verify(domain)
    except SignatureError as exc:
        raise InvalidArgument(f"the lower ruling does not verify: {exc}") from exc
    try:
        ruling = Ruling(
            statement=body.statement,
            upheld=body.upheld,
            claim=body.claim,
            contract=None,
            evidence=lower.id,
            level=body.level,
            final=True,
            issued=body.issued if now is None else now,
        )
    except OddsproofError as exc:
        raise InvalidArgument(f"cannot make the ruling: {exc}") from exc
    return Signed.create(ruling, domain, arbiter)


def mutual_settlement(contract: Contract, *, backer_gets: int, version: int = 1) -> Settlement:
    """A settlement of an open bet giving ``backer_gets`` of the pot to the backer and the rest
    to the layer; both sign it (``Signed.create(s, domain, backer, layer)``) and submit it."""
    if not isinstance(contract, Contract) or not isinstance(contract.terms, Bet):
        raise InvalidArgument("mutual_settlement settles a contract that is a single bet")
    bet = contract.terms
    pot = bet.backer_stake + bet.layer_stake
    if type(backer_gets) is not int or not 0 <= backer_gets <= pot:
        raise InvalidArgument(f"backer_gets must be an integer in [0, {pot}], got {backer_gets!r}")
    shares = sorted(
        (Allocation(bet.backer, backer_gets), Allocation(bet.layer, pot - backer_gets)),
        key=lambda a: a.party.key.raw,
    )
    try:
        return Settlement(contract.id, version, tuple(shares))
    except OddsproofError as exc:
        raise InvalidArgument(f"cannot make the settlement: {exc}") from exc


class BetOutcome(enum.Enum):
    """What one settling step did to a bet."""

    NONE = "none"
    """Nothing ended: the evidence was refused, or the bet had already ended (exactly once)."""
    UPHELD = "upheld"
    """A final ruling upheld the statement: the backer won the layer's stake."""
    FAILED = "failed"
    """A final ruling failed it: the layer won the backer's stake."""
    AGREED = "agreed"
    """A settlement both parties signed ended it."""
    REFUNDED = "refunded"
    """The deadline passed without a final ruling: both stakes went back."""


@attrs.frozen
class BetSettlement:
    """The result of :func:`settle_bet`: what happened, the transfers made, and why evidence was
    refused (``None`` when it was used or there was none)."""

    contract: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    outcome: BetOutcome = attrs.field(validator=attrs.validators.instance_of(BetOutcome))
    transfers: tuple[Transfer, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(Transfer), attrs.validators.instance_of(tuple)
        )
    )
    rejected: CheckReason | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(CheckReason))
    )


def settle_bet(
    runtime: Runtime,
    contract: Digest,
    evidence: Signed[Ruling] | Signed[Settlement] | None,
    *,
    now: int,
) -> BetSettlement:
    """Feed a final ruling or a co-signed settlement to an open bet (or, with ``None``, let time
    pass) through ``runtime``, and say what it did.

    The runtime's journal applies each step once, and a bet that has ended refuses further
    evidence (``contract-closed``), so a bet settles exactly once however often this is called.
    """
    if not isinstance(runtime, Runtime) or not isinstance(contract, Digest):
        raise InvalidArgument("settle_bet takes a Runtime and a contract id")
    was_closed = runtime.state(contract).closed
    if evidence is None:
        step = runtime.advance(contract, now=now)
    else:
        if not isinstance(evidence, Signed) or not isinstance(evidence.body, Ruling | Settlement):
            raise InvalidArgument("a bet settles on a signed Ruling or Settlement")
        step = runtime.submit(contract, evidence, now=now)
    outcome = BetOutcome.NONE
    if not was_closed and step.state.closed:
        body = evidence.body if evidence is not None else None
        if step.accepted and isinstance(body, Ruling):
            outcome = BetOutcome.UPHELD if body.upheld else BetOutcome.FAILED
        elif step.accepted and isinstance(body, Settlement):
            outcome = BetOutcome.AGREED
        else:
            outcome = BetOutcome.REFUNDED
    return BetSettlement(contract, outcome, step.transfers, step.rejected)
