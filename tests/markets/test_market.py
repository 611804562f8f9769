"""The market over claims: the order book, admission, signed bets and exactly-once settlement."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from oddsproof.contracts import Bet, Ruling, Runtime, Statement
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.ledger import MemoryLedger, Mint
from oddsproof.markets import (
    BetOrder,
    BetOutcome,
    BetSide,
    BetTerms,
    ClaimMarket,
    CloseReason,
    OrderBook,
    OrderCancel,
    OrderReason,
    PendingBet,
    countersign,
    implied_fraud,
    mutual_settlement,
    settle_bet,
    statement_ruling,
)
from oddsproof.wire import Domain, Identity, Signed, tagged_hash
from tests.strategies import IDENTITIES, bet_odds

DOMAIN = Domain("market-tests")
NOW = 1_000
alice, bob, carol, judge = IDENTITIES[0], IDENTITIES[1], IDENTITIES[3], IDENTITIES[2]
STATEMENT = Statement(
    tagged_hash("m/code", b"f"), tagged_hash("m/in", b"x"), tagged_hash("m/out", b"y"), 16
)
TERMS = BetTerms(STATEMENT, (judge.party,), NOW + 500, 60, NOW + 3_600)
_nonces = iter(range(1 << 30))


def make(
    who: Identity,
    side: BetSide,
    odds: tuple[int, int],
    stake: int,
    *,
    expires: int = NOW + 400,
    terms: BetTerms = TERMS,
) -> BetOrder:
    nonce = next(_nonces).to_bytes(16, "big")
    return BetOrder(terms.id, who.party, side, odds, stake, NOW, expires, nonce)


def signed(body: BetOrder, who: Identity | None = None) -> Signed[BetOrder]:
    return Signed.create(body, DOMAIN, who or _identity(body))


def _identity(body: BetOrder) -> Identity:
    return next(i for i in IDENTITIES if i.key == body.poster.key)


def market(funds: int = 10_000) -> ClaimMarket:
    ledger = MemoryLedger()
    ledger.apply_all([Mint(i.key, funds, i.name.encode()) for i in IDENTITIES])
    return ClaimMarket(TERMS, Runtime(ledger, DOMAIN))


def ruling(upheld: bool, *, contract: Any = None, tag: bytes = b"") -> Signed[Ruling]:
    body = Ruling(STATEMENT.id, upheld, None, contract, tagged_hash("m/ev", tag), 0, True, NOW)
    return Signed.create(body, DOMAIN, judge)


def sign_both(m: ClaimMarket, pending: PendingBet, now: int = NOW + 2) -> None:
    """Both posters' agents countersign; the second signature opens the bet."""
    for order_id in (pending.match.back, pending.match.lay):
        placed = m.order(order_id)
        assert placed is not None
        m.sign(
            countersign(pending.contract, placed, TERMS, _identity(placed.body), DOMAIN), now=now
        )


# --- the book -----------------------------------------------------------------------------


def test_best_price_first_then_oldest_and_trades_at_the_resting_odds() -> None:
    book = OrderBook(TERMS.id)
    worse = make(alice, BetSide.LAY, (3, 1), 2)  # price 3/4: the backer pays more
    first = make(alice, BetSide.LAY, (2, 1), 2)  # price 2/3
    second = make(carol, BetSide.LAY, (2, 1), 2)
    for o in (worse, first, second):
        assert book.post(o, now=NOW).resting
    taker = make(bob, BetSide.BACK, (3, 1), 12)  # willing to pay up to 3:1; has 12
    result = book.post(taker, now=NOW + 1)
    assert [(m.lay, m.odds, m.lots) for m in result.matches] == [
        (first.id, (2, 1), 2),
        (second.id, (2, 1), 2),
        (worse.id, (3, 1), 1),  # 12 - 4 - 4 = 4: one lot of 3 at the worse price
    ]
    assert {c.order: c.reason for c in result.closed} == {
        first.id: CloseReason.FILLED,
        second.id: CloseReason.FILLED,
        taker.id: CloseReason.FILLED,  # 1 left, which cannot trade at 3:1 and so cannot rest
    }
    assert [c.remaining for c in result.closed if c.order == taker.id] == [1]
    assert book.remaining(worse.id) == 1
    assert [m.sequence for m in result.matches] == [0, 1, 2]


def test_a_remainder_rests_and_the_book_never_crosses() -> None:
    book = OrderBook(TERMS.id)
    book.post(make(alice, BetSide.LAY, (1, 1), 3), now=NOW)
    big = make(bob, BetSide.BACK, (2, 1), 10)
    result = book.post(big, now=NOW)
    assert [m.lots for m in result.matches] == [3]
    assert result.resting
    assert book.remaining(big.id) == 7
    quote = book.quote()
    assert quote.back is not None
    assert quote.lay is None
    assert quote.back.price == Fraction(2, 3)
    assert quote.fraud_high == Fraction(1, 3)


def test_self_trade_cancels_the_resting_order_and_expired_makers_leave() -> None:
    book = OrderBook(TERMS.id)
    stale = make(alice, BetSide.LAY, (1, 1), 5, expires=NOW + 5)
    mine = make(bob, BetSide.LAY, (1, 1), 5)
    other = make(carol, BetSide.LAY, (1, 1), 5)
    for o in (stale, mine, other):
        book.post(o, now=NOW)
    result = book.post(make(bob, BetSide.BACK, (1, 1), 5), now=NOW + 5)
    reasons = {c.order: (c.reason, c.remaining) for c in result.closed}
    assert reasons[stale.id] == (CloseReason.EXPIRED, 5)
    assert reasons[mine.id] == (CloseReason.SELF_TRADE, 5)
    assert [m.lay for m in result.matches] == [other.id]
    assert len(book) == 0


def test_expiry_and_cancel() -> None:
    book = OrderBook(TERMS.id)
    a = make(alice, BetSide.BACK, (1, 2), 4, expires=NOW + 10)
    b = make(bob, BetSide.BACK, (1, 3), 4, expires=NOW + 20)
    book.post(a, now=NOW)
    book.post(b, now=NOW)
    assert book.expire(now=NOW + 9) == ()
    assert [c.order for c in book.expire(now=NOW + 10)] == [a.id]
    assert book.cancel(b.id).remaining == 4
    with pytest.raises(Refused) as refused:
        book.cancel(b.id)
    assert refused.value.reason is OrderReason.UNKNOWN_ORDER


def test_implied_fraud_bounds_are_one_minus_the_best_prices() -> None:
    quote = implied_fraud(Fraction(9, 10), Fraction(19, 20))
    assert (quote.fraud_low, quote.fraud_high, quote.fraud) == (
        Fraction(1, 20),
        Fraction(1, 10),
        Fraction(3, 40),
    )
    assert implied_fraud(None, None).fraud is None
    with pytest.raises(InvalidArgument, match="crossed"):
        implied_fraud(Fraction(3, 4), Fraction(1, 2))
    book = OrderBook(TERMS.id)
    book.post(make(bob, BetSide.BACK, (9, 1), 9), now=NOW)  # backs at price 9/10
    book.post(make(alice, BetSide.LAY, (19, 1), 1), now=NOW)  # lays at price 19/20
    assert book.quote().fraud == Fraction(3, 40)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(BetSide), bet_odds, st.integers(1, 20), st.integers(0, 3)),
        min_size=1,
        max_size=40,
    )
)
def test_the_book_never_rests_crossed_and_fills_conserve_stakes(
    orders: list[tuple[BetSide, tuple[int, int], int, int]],
) -> None:
    book = OrderBook(TERMS.id)
    placed: dict[Any, BetOrder] = {}
    traded: dict[Any, int] = {}
    returned: dict[Any, int] = {}
    for side, odds, lots, who in orders:
        lot = odds[0] if side is BetSide.BACK else odds[1]
        body = make(IDENTITIES[who], side, odds, lot * lots)
        placed[body.id] = body
        result = book.post(body, now=NOW)
        for m in result.matches:
            assert m.backer.key != m.layer.key
            back, lay = placed[m.back], placed[m.lay]
            assert Fraction(m.odds[0], sum(m.odds)) <= back.price  # a back pays its price or less
            assert Fraction(m.odds[0], sum(m.odds)) >= lay.price
            traded[m.back] = traded.get(m.back, 0) + m.backer_stake
            traded[m.lay] = traded.get(m.lay, 0) + m.layer_stake
        for c in result.closed:
            assert c.order not in returned
            returned[c.order] = c.remaining
        quote = book.quote()
        if quote.back is not None and quote.lay is not None:
            assert quote.back.price < quote.lay.price
    for order_id, body in placed.items():  # stake = traded + returned + still resting
        left = returned.get(order_id, 0) + book.remaining(order_id)
        assert traded.get(order_id, 0) + left == body.stake


# --- admission ----------------------------------------------------------------------------


def test_refused_orders_change_nothing_and_say_why() -> None:
    m = market(funds=50)
    good = make(bob, BetSide.BACK, (2, 1), 10)
    other_terms = attrs.evolve(TERMS, trading_ends=NOW + 501)
    forged_sig = attrs.evolve(signed(good).signatures[0], sig=bytes(64))
    cases: list[tuple[Any, OrderReason]] = [
        (Signed.create(good, DOMAIN, alice), OrderReason.UNSIGNED),  # not the poster's
        (Signed(good, DOMAIN, (forged_sig,)), OrderReason.UNSIGNED),
        (Signed.create(good, Domain("elsewhere"), bob), OrderReason.UNSIGNED),
        (
            signed(make(bob, BetSide.BACK, (2, 1), 10, terms=other_terms)),
            OrderReason.WRONG_MARKET,
        ),
        (signed(make(bob, BetSide.BACK, (2, 1), 10, expires=NOW)), OrderReason.EXPIRED),
        (signed(make(bob, BetSide.BACK, (2, 1), 60)), OrderReason.INSUFFICIENT_FUNDS),
        (b"\xa0", OrderReason.MALFORMED),
        (Signed.create(bob.party, DOMAIN, bob), OrderReason.MALFORMED),
    ]
    before = m.runtime.ledger.state()
    for bad, reason in cases:
        with pytest.raises(Refused) as refused:
            m.post(bad, now=NOW)
        assert refused.value.reason is reason, bad
    assert m.runtime.ledger.state() == before
    assert len(m.book) == 0
    m.post(signed(good), now=NOW)
    with pytest.raises(Refused) as refused:
        m.post(signed(good).encoded, now=NOW)
    assert refused.value.reason is OrderReason.DUPLICATE
    with pytest.raises(Refused) as refused:
        m.post(signed(make(bob, BetSide.BACK, (2, 1), 10)), now=TERMS.trading_ends)
    assert refused.value.reason is OrderReason.EXPIRED


def test_an_order_with_a_negative_stake_or_zero_odds_cannot_even_be_made() -> None:
    for odds, stake, reason in [
        ((2, 1), -10, OrderReason.BAD_STAKE),
        ((0, 1), 10, OrderReason.BAD_ODDS),
    ]:
        with pytest.raises(Refused) as refused:
            BetOrder(TERMS.id, bob.party, BetSide.BACK, odds, stake, NOW, NOW + 9, bytes(16))
        assert refused.value.reason is reason


def test_bytes_that_decode_to_a_bad_order_keep_the_validators_reason() -> None:
    good = signed(make(bob, BetSide.BACK, (2, 1), 10))
    raw = good.encoded
    odds_at = raw.index(bytes([0x82, 0x02, 0x01]))  # the odds array [2, 1]
    zero = raw[:odds_at] + bytes([0x82, 0x00, 0x01]) + raw[odds_at + 3 :]
    with pytest.raises(Refused) as refused:
        market().post(zero, now=NOW)
    assert refused.value.reason is OrderReason.BAD_ODDS


def test_posting_escrows_the_stake_and_cancelling_refunds_it() -> None:
    m = market()
    ledger = m.runtime.ledger
    body = make(bob, BetSide.BACK, (5, 1), 50)
    m.post(signed(body), now=NOW)
    assert ledger.balance(bob.key) == 9_950
    assert ledger.escrow(body.id, bob.key) == 50
    request = OrderCancel(body.id, NOW + 1)
    with pytest.raises(Refused) as refused:
        m.cancel(Signed.create(request, DOMAIN, alice), now=NOW + 1)
    assert refused.value.reason is OrderReason.UNSIGNED
    closed = m.cancel(Signed.create(request, DOMAIN, bob), now=NOW + 1)
    assert (closed.remaining, closed.reason) == (50, CloseReason.CANCELLED)
    assert ledger.balance(bob.key) == 10_000
    with pytest.raises(Refused) as refused:
        m.cancel(Signed.create(request, DOMAIN, bob), now=NOW + 2)
    assert refused.value.reason is OrderReason.UNKNOWN_ORDER
    assert ledger.totals().conserved


# --- matched bets -------------------------------------------------------------------------


def test_a_match_opens_a_bet_signed_by_both_and_resolution_pays_it() -> None:
    m = market()
    ledger = m.runtime.ledger
    back = signed(make(bob, BetSide.BACK, (100, 1), 300))
    m.post(back, now=NOW)
    posted = m.post(signed(make(alice, BetSide.LAY, (100, 1), 2)), now=NOW + 1)
    (pending,) = posted.pending
    bet = pending.contract.terms
    assert isinstance(bet, Bet)
    assert (bet.backer_stake, bet.layer_stake) == (200, 2)
    lay = m.order(pending.match.lay)
    assert lay is not None
    first = m.sign(countersign(pending.contract, lay, TERMS, alice, DOMAIN), now=NOW + 2)
    assert (first.opened, first.missing) == (False, (bob.party,))
    with pytest.raises(InvalidArgument, match="posters"):
        m.sign(Signed.create(pending.contract, DOMAIN, carol), now=NOW + 2)
    opened = m.sign(countersign(pending.contract, back, TERMS, bob, DOMAIN), now=NOW + 3)
    assert opened.opened
    assert m.bets == (pending.contract.id,)
    assert m.runtime.state(pending.contract.id).escrow  # both stakes are in the bet's escrow
    assert ledger.escrow(back.id, bob.key) == 100  # the untraded rest still rests
    result = m.resolve(ruling(True), now=NOW + 10)
    assert [s.outcome for s in result.settled] == [BetOutcome.UPHELD]
    assert [c.order for c in result.closed] == [back.id]  # resting orders are cancelled
    assert (ledger.balance(bob.key), ledger.balance(alice.key)) == (10_002, 9_998)
    assert ledger.escrows() == {}
    assert ledger.totals().conserved
    with pytest.raises(Refused) as refused:
        m.post(signed(make(bob, BetSide.BACK, (2, 1), 10)), now=NOW + 11)
    assert refused.value.reason is OrderReason.CLOSED


def test_every_matched_bet_settles_exactly_once() -> None:
    m = market()
    ledger = m.runtime.ledger
    m.post(signed(make(bob, BetSide.BACK, (3, 1), 30)), now=NOW)
    m.post(signed(make(carol, BetSide.BACK, (2, 1), 20)), now=NOW)
    posted = m.post(signed(make(alice, BetSide.LAY, (2, 1), 15)), now=NOW + 1)
    assert len(posted.pending) == 2
    for pending in posted.pending:
        sign_both(m, pending)
    first, _ = m.bets
    # One bet is settled by agreement first; the resolution then pays only the other.
    agreed = m.runtime.contract(first)
    deal = Signed.create(mutual_settlement(agreed, backer_gets=5), DOMAIN, bob, alice)
    assert settle_bet(m.runtime, first, deal, now=NOW + 5).outcome is BetOutcome.AGREED
    result = m.resolve(ruling(False), now=NOW + 10)
    assert [s.outcome for s in result.settled] == [BetOutcome.NONE, BetOutcome.FAILED]
    snapshot = ledger.balances()
    again = m.resolve(ruling(False), now=NOW + 11)
    assert [s.outcome for s in again.settled] == [BetOutcome.NONE, BetOutcome.NONE]
    assert all(s.transfers == () for s in again.settled)
    assert ledger.balances() == snapshot
    with pytest.raises(InvalidArgument, match="other way"):
        m.resolve(ruling(True, tag=b"flip"), now=NOW + 12)
    assert ledger.totals().conserved


def test_resolve_refuses_rulings_that_cannot_settle_the_market() -> None:
    m = market()
    bound = ruling(True, contract=tagged_hash("m/other", b"c"))
    with pytest.raises(InvalidArgument, match="statement_ruling"):
        m.resolve(bound, now=NOW)
    body = Ruling(STATEMENT.id, True, None, None, tagged_hash("m/ev", b""), 0, False, NOW)
    with pytest.raises(InvalidArgument, match="final"):
        m.resolve(Signed.create(body, DOMAIN, judge), now=NOW)
    with pytest.raises(InvalidArgument, match="arbiter"):
        m.resolve(Signed.create(attrs.evolve(body, final=True), DOMAIN, alice), now=NOW)
    other = attrs.evolve(body, final=True, statement=tagged_hash("m/stmt", b"z"))
    with pytest.raises(InvalidArgument, match="another statement"):
        m.resolve(Signed.create(other, DOMAIN, judge), now=NOW)
    widened = statement_ruling(bound, judge, domain=DOMAIN)
    assert m.resolve(widened, now=NOW).upheld
    assert m.resolved


def test_a_poster_who_does_not_sign_reneges_and_the_match_is_voided() -> None:
    m = market()
    ledger = m.runtime.ledger
    back = signed(make(bob, BetSide.BACK, (2, 1), 40))
    m.post(back, now=NOW)
    posted = m.post(signed(make(alice, BetSide.LAY, (2, 1), 5)), now=NOW + 1)
    (pending,) = posted.pending
    m.sign(countersign(pending.contract, back, TERMS, bob, DOMAIN), now=NOW + 2)
    assert m.expire(now=pending.sign_by - 1).voided == ()
    with pytest.raises(InvalidArgument, match="window"):
        m.sign(Signed.create(pending.contract, DOMAIN, alice), now=pending.sign_by)
    expiry = m.expire(now=pending.sign_by)
    assert expiry.voided == (pending.contract.id,)
    assert expiry.reneged == (alice.party,)
    assert m.pending == {}
    assert ledger.balance(alice.key) == 10_000  # her matched stake came back
    assert ledger.escrow(back.id, bob.key) == 30  # Bob's matched 10 came back; 30 still rests
    assert ledger.totals().conserved


def test_trading_end_and_the_bets_deadline_return_everything() -> None:
    m = market()
    ledger = m.runtime.ledger
    m.post(signed(make(bob, BetSide.BACK, (1, 1), 10, expires=NOW + 900)), now=NOW)
    posted = m.post(signed(make(alice, BetSide.LAY, (1, 1), 4)), now=NOW + 1)
    sign_both(m, posted.pending[0])
    ended = m.expire(now=TERMS.trading_ends)
    assert [c.reason for c in ended.closed] == [CloseReason.CANCELLED]
    assert ended.refunded == ()
    late = m.expire(now=TERMS.settle_by)
    assert [s.outcome for s in late.refunded] == [BetOutcome.REFUNDED]
    assert (ledger.balance(bob.key), ledger.balance(alice.key)) == (10_000, 10_000)
    assert ledger.escrows() == {}


# --- a stateful run: random orders, signatures, cancels, time and rulings ----------------------


class MarketMachine(RuleBasedStateMachine):
    """Random market histories; after every step value is conserved, every order's escrow is
    its untraded stake plus its pending matches, the book is uncrossed, and no bet has paid
    twice."""

    orders = Bundle("orders")

    @initialize()
    def start(self) -> None:
        self.m = market(funds=5_000)
        self.now = NOW
        self.paid: dict[Any, int] = {}
        self.minted = self.m.runtime.ledger.totals().minted

    @rule(
        target=orders,
        who=st.integers(0, 3),
        side=st.sampled_from(BetSide),
        odds=st.sampled_from([(1, 1), (2, 1), (1, 2), (3, 2), (2, 3), (5, 1)]),
        lots=st.integers(1, 6),
    )
    def post(self, who: int, side: BetSide, odds: tuple[int, int], lots: int) -> Any:
        lot = odds[0] if side is BetSide.BACK else odds[1]
        body = make(IDENTITIES[who], side, odds, lot * lots, expires=self.now + 30)
        reason = None
        try:
            self.m.post(signed(body), now=self.now)
        except Refused as refused:
            reason = refused.reason
        assert reason in (None, OrderReason.CLOSED, OrderReason.EXPIRED)
        return body

    @rule(body=consumes(orders))
    def cancel(self, body: BetOrder) -> None:
        request = Signed.create(OrderCancel(body.id, self.now), DOMAIN, _identity(body))
        resting = body.id in self.m.book
        reason = None
        try:
            self.m.cancel(request, now=self.now)
        except Refused as refused:
            reason = refused.reason
        assert reason is (None if resting else OrderReason.UNKNOWN_ORDER)

    @rule(data=st.data(), both=st.booleans())
    def sign(self, data: st.DataObject, both: bool) -> None:
        pending = list(self.m.pending.values())
        if not pending:
            return
        chosen = data.draw(st.sampled_from(pending))
        sides = (chosen.match.back, chosen.match.lay) if both else (chosen.match.lay,)
        for order_id in sides:
            if chosen.contract.id not in self.m.pending:
                break  # the first signature opened it (the other side had signed before)
            placed = self.m.order(order_id)
            assert placed is not None
            envelope = countersign(chosen.contract, placed, TERMS, _identity(placed.body), DOMAIN)
            try:
                opened = self.m.sign(envelope, now=self.now).opened
            except InvalidArgument:
                assert self.now >= chosen.sign_by
            else:
                event("a bet opened" if opened else "one signature")

    @rule(
        backer=st.integers(0, 3),
        layer=st.integers(0, 3),
        odds=st.sampled_from([(1, 1), (2, 1), (3, 2)]),
        lots=st.integers(1, 4),
    )
    def trade(self, backer: int, layer: int, odds: tuple[int, int], lots: int) -> None:
        """A back order, then a lay crossing it; both posters sign whatever matched."""
        for who, side in ((backer, BetSide.BACK), (layer, BetSide.LAY)):
            lot = odds[0] if side is BetSide.BACK else odds[1]
            body = make(IDENTITIES[who], side, odds, lot * lots, expires=self.now + 30)
            try:
                posted = self.m.post(signed(body), now=self.now)
            except Refused:
                return
            for pending in posted.pending:
                sign_both(self.m, pending, now=self.now)
                event("a bet opened")

    @rule(step=st.integers(1, 90))
    def wait(self, step: int) -> None:
        self.now += step
        for s in self.m.expire(now=self.now).refunded:
            self.paid[s.contract] = self.paid.get(s.contract, 0) + 1

    @precondition(lambda self: bool(self.m.bets) or self.now > NOW + 200)
    @rule(upheld=st.booleans(), repeat=st.booleans())
    def resolve(self, upheld: bool, repeat: bool) -> None:
        verdict = self.m._ruling.body.upheld if self.m.resolved else upheld  # type: ignore[union-attr]
        for _ in range(2 if repeat else 1):
            result = self.m.resolve(ruling(verdict), now=self.now)
            event(f"resolved with {min(len(result.settled), 3)}+ bets")
            for s in result.settled:
                if s.outcome in (BetOutcome.UPHELD, BetOutcome.FAILED, BetOutcome.REFUNDED):
                    self.paid[s.contract] = self.paid.get(s.contract, 0) + 1

    @invariant()
    def conserved(self) -> None:
        totals = self.m.runtime.ledger.totals()
        assert totals.conserved
        assert totals.minted == self.minted

    @invariant()
    def order_escrow_is_untraded_plus_pending(self) -> None:
        ledger = self.m.runtime.ledger
        pending: dict[Any, int] = {}
        for p in self.m.pending.values():
            pending[p.match.back] = pending.get(p.match.back, 0) + p.match.backer_stake
            pending[p.match.lay] = pending.get(p.match.lay, 0) + p.match.layer_stake
        for order_id, placed in self.m._orders.items():
            expected = self.m.book.remaining(order_id) + pending.get(order_id, 0)
            assert ledger.escrow(order_id, placed.body.poster.key) == expected

    @invariant()
    def uncrossed_and_settled_once(self) -> None:
        quote = self.m.quote()
        if quote.back is not None and quote.lay is not None:
            assert quote.back.price < quote.lay.price
        assert all(count == 1 for count in self.paid.values())
        if self.m.resolved:
            assert all(self.m.runtime.state(cid).closed for cid in self.m.bets)


MarketMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=40, deadline=None)
TestMarketMachine = MarketMachine.TestCase
