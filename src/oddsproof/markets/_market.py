"""A market over claims: one order book per statement, matched orders become signed bets.

Two layers:

- :class:`OrderBook` is the matching engine alone, pure and in memory: each side sorted by exact
  rational price (``sortedcontainers.SortedDict`` of price levels, each level a dict of orders in
  arrival order), price-time priority, trades at the resting order's odds, self-trade prevention
  (the resting order is cancelled), expiry (lazily at the top of the book, and by a heap of
  deadlines), cancel by id. Its best prices give the implied fraud probability
  (:class:`MarketQuote`).
- :class:`ClaimMarket` puts the book on a ledger: it admits only well-formed orders signed by
  their posters (:class:`~oddsproof.games.OrderRefused` with an
  :class:`~oddsproof.games.OrderRejection` otherwise), escrows each order's stake while it rests
  (escrow before promise), turns each match into the bet contract both posters sign, opens it on
  the contracts' :class:`~oddsproof.contracts.Runtime` once both have, and settles every bet
  when a final ruling on the statement arrives.

Prices: odds ``(b, l)`` have price ``b / (b + l)``, the probability of the statement at which the
bet is fair. A back order trades at its price or lower, a lay order at its price or higher; they
cross when ``back price >= lay price``. The resting book is never crossed: what an incoming order
cannot trade (less than a lot at the crossing odds) is returned, not rested.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Final

import attrs
from sortedcontainers import SortedDict  # type: ignore[import-untyped]

from oddsproof.contracts import Contract, Ruling, Runtime
from oddsproof.errors import EncodingError, InvalidArgument, Refused, SignatureError
from oddsproof.ledger import EscrowLock, LedgerReason, Payout, Stake, Transfer
from oddsproof.wire import INT_LIMIT, Digest, Domain, Party, Signed, decode, tagged_hash

from ._bets import (
    BetMatch,
    BetOrder,
    BetSettlement,
    BetSide,
    BetTerms,
    OrderCancel,
    OrderReason,
    _signed_order,
    settle_bet,
)

REF_TAG: Final = "oddsproof/market-ref/v1"


def _ref(*parts: bytes) -> bytes:
    return tagged_hash(REF_TAG, *parts).raw


class CloseReason(enum.Enum):
    """Why an order left the book (its ``remaining`` stake goes back to its poster)."""

    FILLED = "filled"
    """Traded until less than a lot was left (an incoming order that cannot rest ends here too)."""
    CANCELLED = "cancelled"
    """Withdrawn by its poster, or by the market when trading ended or the statement was ruled."""
    EXPIRED = "expired"
    """Its expiry passed."""
    SELF_TRADE = "self-trade"
    """Its own poster's incoming order reached it: the resting order is cancelled."""


@attrs.frozen
class ClosedOrder:
    """An order that left the book, with the stake it had not traded."""

    order: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    poster: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    remaining: int = attrs.field(validator=attrs.validators.instance_of(int))
    reason: CloseReason = attrs.field(validator=attrs.validators.instance_of(CloseReason))


@attrs.frozen
class BookResult:
    """What posting one order did: the matches made (in order), whether the order now rests,
    and the orders that left the book (makers filled, expired or self-traded on the way, and
    the incoming order itself if it does not rest)."""

    order: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    matches: tuple[BetMatch, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    resting: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    closed: tuple[ClosedOrder, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


@attrs.frozen
class BookLevel:
    """One price level of one side: its odds and price, the stake resting there, how many
    orders."""

    odds: tuple[int, int] = attrs.field(validator=attrs.validators.instance_of(tuple))
    price: Fraction = attrs.field(validator=attrs.validators.instance_of(Fraction))
    depth: int = attrs.field(validator=attrs.validators.instance_of(int))
    orders: int = attrs.field(validator=attrs.validators.instance_of(int))


def _optional_fraction(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, Fraction) or not 0 <= value <= 1):
        raise InvalidArgument(f"{attr.name} is a probability (a Fraction in [0, 1]) or None")


@attrs.frozen
class MarketQuote:
    """The best prices and what they imply about the statement being false ("fraud").

    A backer at price π believes P(statement) ≥ π, a layer at π believes P(statement) ≤ π, so
    the best back price π_B and best lay price π_L bound the implied fraud probability:
    ``fraud_low = 1 - π_L <= P(fraud) <= 1 - π_B = fraud_high``; ``fraud`` is the midpoint
    ``1 - (π_B + π_L) / 2`` when both sides are quoted, else ``None``.
    """

    back: BookLevel | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(BookLevel))
    )
    lay: BookLevel | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(BookLevel))
    )
    fraud_low: Fraction | None = attrs.field(validator=_optional_fraction)
    fraud_high: Fraction | None = attrs.field(validator=_optional_fraction)
    fraud: Fraction | None = attrs.field(validator=_optional_fraction)


def implied_fraud(back: Fraction | None, lay: Fraction | None) -> MarketQuote:
    """The :class:`MarketQuote` bounds from a best back price and a best lay price (either may
    be missing); the levels are left empty."""
    for name, price in (("back", back), ("lay", lay)):
        if price is not None and (not isinstance(price, Fraction) or not 0 < price < 1):
            raise InvalidArgument(f"the best {name} price is a Fraction in (0, 1), got {price!r}")
    high = None if back is None else 1 - back
    low = None if lay is None else 1 - lay
    if back is not None and lay is not None and back > lay:
        raise InvalidArgument("a crossed book (back price above lay price) implies nothing")
    mid = None if back is None or lay is None else 1 - (back + lay) / 2
    return MarketQuote(None, None, low, high, mid)


class _Resting:
    """A resting order: the signed-for body, its id and price, the stake not yet traded."""

    __slots__ = ("id", "order", "price", "remaining", "seq")

    def __init__(self, order: BetOrder, order_id: Digest, seq: int) -> None:
        self.order = order
        self.id = order_id
        self.price = order.price
        self.remaining = order.stake
        self.seq = seq


class OrderBook:
    """The order book of one statement's market (bet terms ``terms``): matching only, no
    signatures and no money. :class:`ClaimMarket` checks signatures and escrows stakes.

    >>> book = OrderBook(terms.id)
    >>> book.post(lay_order, now=10)                  # rests: nothing to cross
    >>> result = book.post(back_order, now=11)        # crosses: result.matches
    >>> book.cancel(some_order.id)                    # ClosedOrder(..., remaining, CANCELLED)
    """

    def __init__(self, terms: Digest) -> None:
        if not isinstance(terms, Digest):
            raise InvalidArgument("an order book is named by its bet terms' id")
        self.terms = terms
        self._backs: Any = SortedDict()  # price -> {order id: _Resting}, best = highest
        self._lays: Any = SortedDict()  # price -> {order id: _Resting}, best = lowest
        self._orders: dict[Digest, _Resting] = {}
        self._expiry: list[tuple[int, int, Digest]] = []
        self._seen: set[Digest] = set()
        self._arrivals = 0
        self._matches = 0

    def __len__(self) -> int:
        return len(self._orders)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._orders

    def remaining(self, order_id: Digest) -> int:
        """The untraded stake of a resting order (0 if it is not resting)."""
        resting = self._orders.get(order_id)
        return 0 if resting is None else resting.remaining

    def resting(self) -> tuple[BetOrder, ...]:
        """Every resting order, backs then lays, best price first, then arrival."""
        out: list[BetOrder] = []
        for level in reversed(self._backs.values()):
            out.extend(r.order for r in level.values())
        for level in self._lays.values():
            out.extend(r.order for r in level.values())
        return tuple(out)

    def check(self, order: BetOrder, *, now: int) -> Digest:
        """Refuse (with :class:`Refused`) an order this book cannot take at ``now``;
        return its id. Posting runs this first, so a refused order changes nothing."""
        if not isinstance(order, BetOrder):
            raise Refused(OrderReason.MALFORMED, "expected a BetOrder")
        if order.terms != self.terms:
            raise Refused(OrderReason.WRONG_MARKET, "the order is for another market")
        if type(now) is not int or not 0 <= now < INT_LIMIT:
            raise InvalidArgument(f"now is a time in integer seconds, got {now!r}")
        if now >= order.expires:
            raise Refused(OrderReason.EXPIRED, f"expired at {order.expires}, now {now}")
        if order.created > now:
            raise Refused(OrderReason.EXPIRED, f"created at {order.created}, after {now}")
        order_id = order.id
        if order_id in self._seen:
            raise Refused(OrderReason.DUPLICATE, "this order was already posted")
        return order_id

    def post(self, order: BetOrder, *, now: int) -> BookResult:
        """Match ``order`` against the other side, best price first then oldest, at each resting
        order's odds; rest what is left if it no longer crosses and is at least one lot."""
        order_id = self.check(order, now=now)
        self._seen.add(order_id)
        back = order.side is BetSide.BACK
        opposite = self._lays if back else self._backs
        price = order.price
        poster = order.poster
        remaining = order.stake
        matches: list[BetMatch] = []
        closed: list[ClosedOrder] = []
        blocked = False
        while opposite:
            best, level = opposite.peekitem(0 if back else -1)
            if (best > price) if back else (best < price):
                break
            maker: _Resting = next(iter(level.values()))
            if maker.order.expires <= now:
                closed.append(self._remove(maker, CloseReason.EXPIRED))
                continue
            if maker.order.poster.key == poster.key:
                closed.append(self._remove(maker, CloseReason.SELF_TRADE))
                continue
            odds = maker.order.odds
            mine, theirs = odds if back else (odds[1], odds[0])
            lots = min(remaining // mine, maker.remaining // theirs)
            if lots == 0:  # a maker always holds a lot: the incoming order is too small
                blocked = True
                break
            sequence = self._matches
            self._matches += 1
            matches.append(
                BetMatch(
                    self.terms,
                    order_id if back else maker.id,
                    maker.id if back else order_id,
                    poster if back else maker.order.poster,
                    maker.order.poster if back else poster,
                    odds,
                    lots,
                    sequence,
                    now,
                )
            )
            remaining -= lots * mine
            maker.remaining -= lots * theirs
            if maker.remaining < theirs:
                closed.append(self._remove(maker, CloseReason.FILLED))
        rests = not blocked and remaining >= order.lot
        if rests:
            self._rest(order, order_id, remaining)
        else:
            closed.append(ClosedOrder(order_id, poster, remaining, CloseReason.FILLED))
        return BookResult(order_id, tuple(matches), rests, tuple(closed))

    def cancel(self, order_id: Digest) -> ClosedOrder:
        """Withdraw a resting order; :class:`Refused` (``unknown-order``) if it is not
        resting."""
        resting = self._orders.get(order_id)
        if resting is None:
            raise Refused(OrderReason.UNKNOWN_ORDER, f"order {order_id} is not resting")
        return self._remove(resting, CloseReason.CANCELLED)

    def expire(self, *, now: int) -> tuple[ClosedOrder, ...]:
        """Remove every resting order whose expiry is at or before ``now``."""
        out: list[ClosedOrder] = []
        while self._expiry and self._expiry[0][0] <= now:
            _, seq, order_id = heapq.heappop(self._expiry)
            resting = self._orders.get(order_id)
            if resting is not None and resting.seq == seq:
                out.append(self._remove(resting, CloseReason.EXPIRED))
        return tuple(out)

    def clear(self) -> tuple[ClosedOrder, ...]:
        """Cancel every resting order (when trading ends or the statement is ruled on)."""
        return tuple(self._remove(r, CloseReason.CANCELLED) for r in list(self._orders.values()))

    def best(self, side: BetSide) -> BookLevel | None:
        """The best level of ``side`` (highest back price, lowest lay price), if any."""
        book = self._backs if side is BetSide.BACK else self._lays
        if not book:
            return None
        price, level = book.peekitem(-1 if side is BetSide.BACK else 0)
        first: _Resting = next(iter(level.values()))
        depth = sum(r.remaining for r in level.values())
        return BookLevel(first.order.odds, price, depth, len(level))

    def quote(self) -> MarketQuote:
        """Best levels and the implied fraud probability (see :class:`MarketQuote`)."""
        back, lay = self.best(BetSide.BACK), self.best(BetSide.LAY)
        bounds = implied_fraud(
            None if back is None else back.price, None if lay is None else lay.price
        )
        return attrs.evolve(bounds, back=back, lay=lay)

    def _rest(self, order: BetOrder, order_id: Digest, remaining: int) -> None:
        seq = self._arrivals
        self._arrivals += 1
        resting = _Resting(order, order_id, seq)
        resting.remaining = remaining
        book = self._backs if order.side is BetSide.BACK else self._lays
        level = book.get(resting.price)
        if level is None:
            level = book[resting.price] = {}
        level[order_id] = resting
        self._orders[order_id] = resting
        heapq.heappush(self._expiry, (order.expires, seq, order_id))

    def _remove(self, resting: _Resting, reason: CloseReason) -> ClosedOrder:
        book = self._backs if resting.order.side is BetSide.BACK else self._lays
        level = book[resting.price]
        del level[resting.id]
        if not level:
            del book[resting.price]
        del self._orders[resting.id]
        return ClosedOrder(resting.id, resting.order.poster, resting.remaining, reason)


# ---------------------------------------------------------------------------------------------
# The market on a ledger


@attrs.frozen
class PendingBet:
    """A match waiting for both posters' signatures on its bet contract until ``sign_by``."""

    match: BetMatch = attrs.field(validator=attrs.validators.instance_of(BetMatch))
    contract: Contract = attrs.field(validator=attrs.validators.instance_of(Contract))
    sign_by: int = attrs.field(validator=attrs.validators.instance_of(int))


@attrs.frozen
class PostResult:
    """What posting did: the order id, whether it rests, the matches now awaiting signatures,
    and the orders that left the book (their untraded stake was refunded)."""

    order: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    resting: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    pending: tuple[PendingBet, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    closed: tuple[ClosedOrder, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


@attrs.frozen
class BetSigning:
    """Where a pending bet stands after a signature: opened on the runtime, or still missing
    some posters' signatures."""

    contract: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    opened: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    missing: tuple[Party, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


@attrs.frozen
class MarketExpiry:
    """What letting time pass did: orders that left the book, matches voided for want of a
    signature (and who failed to sign), bets refunded at their deadline."""

    closed: tuple[ClosedOrder, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    voided: tuple[Digest, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    reneged: tuple[Party, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    refunded: tuple[BetSettlement, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


@attrs.frozen
class MarketResolution:
    """What a final ruling on the statement did to the market: every bet's settlement (in the
    order the bets opened; ``BetOutcome.NONE`` for a bet that had already ended), the resting
    orders cancelled and the matches voided."""

    ruling: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    upheld: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    settled: tuple[BetSettlement, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    closed: tuple[ClosedOrder, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))
    voided: tuple[Digest, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


class _Pending:
    __slots__ = ("bet", "signatures")

    def __init__(self, bet: PendingBet) -> None:
        self.bet = bet
        self.signatures: Signed[Contract] | None = None


class ClaimMarket:
    """The market over one statement, on a :class:`~oddsproof.contracts.Runtime`'s ledger.

    Orders are ``Signed[BetOrder]`` (or their canonical bytes). Posting verifies the poster's
    signature, checks the order against the terms and the clock, and locks its stake in the
    ledger under the order's id before it can rest or trade. A match becomes a
    :class:`PendingBet`; each poster's agent signs its contract (:func:`countersign` checks the
    order authorises it) and hands it to :meth:`sign`; when both have, the matched stakes move
    from the orders' escrow into the bet's in one ledger transaction and the bet opens. A poster
    who does not sign within the terms' ``sign_window`` reneges: :meth:`expire` voids the match,
    returns both stakes and cancels the reneger's order. :meth:`resolve` settles every open bet
    on one final ruling, exactly once.

    The book and the pending matches live in memory; the escrow, the bets and every transfer
    live in the ledger's journal.
    """

    def __init__(self, terms: BetTerms, runtime: Runtime) -> None:
        if not isinstance(terms, BetTerms) or not isinstance(runtime, Runtime):
            raise InvalidArgument("a ClaimMarket takes BetTerms and a Runtime")
        self.terms = terms
        self.runtime = runtime
        self.book = OrderBook(terms.id)
        self._orders: dict[Digest, Signed[BetOrder]] = {}
        self._pending: dict[Digest, _Pending] = {}
        self._bets: dict[Digest, BetMatch] = {}
        self._ruling: Signed[Ruling] | None = None

    @property
    def domain(self) -> Domain:
        """The domain orders, contracts and rulings are signed in (the runtime's)."""
        return self.runtime.domain

    @property
    def pending(self) -> Mapping[Digest, PendingBet]:
        """Matches awaiting signatures, by contract id."""
        return {cid: p.bet for cid, p in self._pending.items()}

    @property
    def bets(self) -> tuple[Digest, ...]:
        """Ids of the bets opened on the runtime, in the order they opened."""
        return tuple(self._bets)

    @property
    def resolved(self) -> bool:
        """Whether a final ruling on the statement has closed the market."""
        return self._ruling is not None

    def order(self, order_id: Digest) -> Signed[BetOrder] | None:
        """A posted order, by id."""
        return self._orders.get(order_id)

    def quote(self) -> MarketQuote:
        """The book's best prices and implied fraud probability."""
        return self.book.quote()

    # -- orders ----------------------------------------------------------------------------

    def post(self, order: Signed[BetOrder] | bytes, *, now: int) -> PostResult:
        """Admit, escrow and match one order. Raises :class:`Refused` (nothing changed) for
        malformed bytes, a missing or bad signature, another market, bad odds or stake, an
        order posted at or after its expiry or the end of trading, a duplicate, a closed market,
        or a poster who cannot lock the stake."""
        signed = self._decode(order)
        body = self._verify(signed)
        if self._ruling is not None:
            raise Refused(OrderReason.CLOSED, "the statement has been ruled on")
        if type(now) is int and now >= self.terms.trading_ends:
            raise Refused(OrderReason.EXPIRED, f"trading ended at {self.terms.trading_ends}")
        order_id = self.book.check(body, now=now)
        lock = EscrowLock(
            order_id, (Stake(body.poster.key, body.stake),), _ref(b"lock", order_id.raw)
        )
        ledger = self.runtime.ledger
        with ledger.transaction():
            try:
                ledger.apply(lock)
            except Refused as exc:
                if exc.reason is not LedgerReason.INSUFFICIENT_FUNDS:
                    raise
                raise Refused(OrderReason.INSUFFICIENT_FUNDS, str(exc)) from exc
            result = self.book.post(body, now=now)
            self._orders[order_id] = signed
            self._refund(result.closed)
        pending = tuple(self._pend(m) for m in result.matches)
        return PostResult(order_id, result.resting, pending, result.closed)

    def cancel(self, cancel: Signed[OrderCancel], *, now: int) -> ClosedOrder:
        """Withdraw a resting order on its poster's signed request; its untraded stake is
        refunded. :class:`Refused`: ``unsigned`` (not the poster's signature),
        ``unknown-order`` (not resting)."""
        if not isinstance(cancel, Signed) or not isinstance(cancel.body, OrderCancel):
            raise Refused(OrderReason.MALFORMED, "expected a signed OrderCancel")
        signed = self._orders.get(cancel.body.order)
        if signed is None or cancel.body.order not in self.book:
            raise Refused(OrderReason.UNKNOWN_ORDER, "no such resting order")
        try:
            cancel.verify(self.domain, signers=[signed.body.poster])
        except SignatureError as exc:
            raise Refused(OrderReason.UNSIGNED, f"not the poster's: {exc}") from exc
        closed = self.book.cancel(cancel.body.order)
        self._refund((closed,))
        return closed

    # -- matches and bets ------------------------------------------------------------------

    def sign(self, contract: Signed[Contract], *, now: int) -> BetSigning:
        """Add posters' signatures to a pending bet; open it once both have signed.

        The envelope may carry one or both signatures; signatures already given are kept. Raises
        :class:`InvalidArgument` for an unknown contract, a signature that does not verify or is not
        a poster's, or a signature after ``sign_by`` (call :meth:`expire`).
        """
        if not isinstance(contract, Signed) or not isinstance(contract.body, Contract):
            raise InvalidArgument("sign takes a signed bet contract")
        pending = self._pending.get(contract.id)
        if pending is None:
            raise InvalidArgument(f"contract {contract.id} is not a pending bet of this market")
        if now >= pending.bet.sign_by:
            raise InvalidArgument(f"the signing window closed at {pending.bet.sign_by}")
        match = pending.bet.match
        try:
            contract.verify(self.domain)
        except SignatureError as exc:
            raise InvalidArgument(f"a signature does not verify: {exc}") from exc
        posters = {match.backer.key, match.layer.key}
        if not set(contract.signers) <= posters:
            raise InvalidArgument("only the two posters sign a bet contract")
        merged = {s.signer.raw: s for s in contract.signatures}
        if pending.signatures is not None:
            merged.update({s.signer.raw: s for s in pending.signatures.signatures})
        envelope = Signed(contract.body, self.domain, tuple(merged[k] for k in sorted(merged)))
        pending.signatures = envelope
        missing = tuple(p for p in (match.backer, match.layer) if not envelope.signed_by(p))
        if missing:
            return BetSigning(contract.id, False, missing)
        ledger = self.runtime.ledger
        with ledger.transaction():
            self._release(match, contract.id)
            self.runtime.open(envelope, now=now)
        del self._pending[contract.id]
        self._bets[contract.id] = match
        return BetSigning(contract.id, True, ())

    def expire(self, *, now: int) -> MarketExpiry:
        """Let time pass to ``now``: expired orders leave the book (all of them once trading has
        ended), matches past their signing window are voided (the posters who did not sign
        renege: their orders are cancelled), and open bets past their deadline are refunded."""
        closed = list(self.book.expire(now=now))
        if now >= self.terms.trading_ends:
            closed.extend(self.book.clear())
        voided: list[Digest] = []
        reneged: list[Party] = []
        for cid, pending in list(self._pending.items()):
            if now < pending.bet.sign_by:
                continue
            match = pending.bet.match
            for party, order_id in ((match.backer, match.back), (match.layer, match.lay)):
                if pending.signatures is None or not pending.signatures.signed_by(party):
                    reneged.append(party)
                    if order_id in self.book:
                        closed.append(self.book.cancel(order_id))
            voided.append(self._void(cid))
        refunded: list[BetSettlement] = []
        if now >= self.terms.settle_by:
            for cid in self._bets:
                if not self.runtime.state(cid).closed:
                    refunded.append(settle_bet(self.runtime, cid, None, now=now))
        self._refund(closed)
        return MarketExpiry(tuple(closed), tuple(voided), tuple(reneged), tuple(refunded))

    def resolve(self, ruling: Signed[Ruling], *, now: int) -> MarketResolution:
        """Settle every bet of the market on a final ruling of one of the terms' arbiters about
        the statement (``contract=None``: see :func:`statement_ruling`), cancel every resting
        order and void every pending match.

        Each bet settles exactly once: a bet that had already ended (a mutual settlement, an
        earlier resolution) reports ``BetOutcome.NONE`` and pays nothing. Raises
        :class:`InvalidArgument` for a ruling that cannot settle the market.
        """
        body = self._check_ruling(ruling)
        closed = self.book.clear()
        self._refund(closed)
        voided = tuple(self._void(cid) for cid in list(self._pending))
        self._ruling = ruling
        settled = tuple(settle_bet(self.runtime, cid, ruling, now=now) for cid in self._bets)
        return MarketResolution(ruling.id, body.upheld, settled, closed, voided)

    # -- internals -------------------------------------------------------------------------

    def _decode(self, order: Signed[BetOrder] | bytes) -> Signed[BetOrder]:
        if isinstance(order, bytes):
            try:
                decoded = decode(order, Signed)
            except EncodingError as exc:
                cause = exc.__cause__
                if isinstance(cause, Refused):
                    raise Refused(cause.reason, str(exc)) from exc
                raise Refused(OrderReason.MALFORMED, str(exc)) from exc
            order = decoded
        if not isinstance(order, Signed) or not isinstance(order.body, BetOrder):
            raise Refused(OrderReason.MALFORMED, "expected a signed BetOrder")
        return order

    def _verify(self, signed: Signed[BetOrder]) -> BetOrder:
        if signed.body.terms != self.terms.id:
            raise Refused(OrderReason.WRONG_MARKET, "the order is for another market")
        return _signed_order(signed, self.domain)

    def _pend(self, match: BetMatch) -> PendingBet:
        contract = match.contract(self.terms)
        bet = PendingBet(match, contract, match.time + self.terms.sign_window)
        self._pending[contract.id] = _Pending(bet)
        return bet

    def _refund(self, closed: tuple[ClosedOrder, ...] | list[ClosedOrder]) -> None:
        ledger = self.runtime.ledger
        with ledger.transaction():
            for c in closed:
                if c.remaining:
                    transfer = Transfer(c.poster, c.poster, c.remaining)
                    ledger.apply(Payout(c.order, transfer, _ref(b"close", c.order.raw)))

    def _release(self, match: BetMatch, contract: Digest) -> None:
        """Return a match's stakes from the two orders' escrow to the posters' balances."""
        ledger = self.runtime.ledger
        for party, order_id, amount, tag in (
            (match.backer, match.back, match.backer_stake, b"back"),
            (match.layer, match.lay, match.layer_stake, b"lay"),
        ):
            transfer = Transfer(party, party, amount)
            ledger.apply(Payout(order_id, transfer, _ref(b"release", contract.raw, tag)))

    def _void(self, contract: Digest) -> Digest:
        pending = self._pending.pop(contract)
        with self.runtime.ledger.transaction():
            self._release(pending.bet.match, contract)
        return contract

    def _check_ruling(self, ruling: Signed[Ruling]) -> Ruling:
        if not isinstance(ruling, Signed) or not isinstance(ruling.body, Ruling):
            raise InvalidArgument("a market resolves on a signed Ruling")
        try:
            body = ruling.verify(self.domain)
        except SignatureError as exc:
            raise InvalidArgument(f"the ruling does not verify: {exc}") from exc
        if not any(ruling.signed_by(a) for a in self.terms.arbiters):
            raise InvalidArgument("no arbiter of the market signed the ruling")
        if not body.final:
            raise InvalidArgument("only a final ruling settles the market")
        if body.statement != self.terms.statement.id:
            raise InvalidArgument("the ruling is about another statement")
        if body.contract is not None:
            raise InvalidArgument("the ruling is bound to one contract; use statement_ruling")
        if self._ruling is not None and self._ruling.body.upheld != body.upheld:
            raise InvalidArgument("the market was already resolved the other way")
        return body
