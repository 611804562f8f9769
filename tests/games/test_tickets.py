"""Lottery tickets: the draw, the observed win rate, batches, and every validation rule with a
tampered field."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.errors import InvalidArgument, Refused
from oddsproof.games import (
    ExternalBeacon,
    LotteryAccount,
    StepCommitment,
    Ticket,
    TicketBatch,
    TicketBundle,
    TicketReason,
    WinningTicket,
    check_ticket,
)
from oddsproof.games.lowlevel import batch_tree, threshold_probability, win_threshold
from oddsproof.testing import TrainingWorker
from oddsproof.wire import Digest, Identity, Signed, tagged_hash
from tests.strategies import (
    IDENTITIES,
    LOTTERY_DOMAIN,
    SENDER,
    WORKER,
    lottery_account,
    lottery_beacon,
    lottery_parties,
    one_bundle,
    small_chain,
)

CHARLIE = IDENTITIES[2]
DEPOSIT = 5_000


def signed_bundle(
    tickets: list[Ticket], *, signer: Identity = SENDER, account: Digest | None = None
) -> TicketBundle:
    """A bundle of exactly these tickets, its root and size right, signed by ``signer``."""
    tree = batch_tree(tickets)
    body = TicketBatch(account or lottery_account().id, WORKER.party, tree.root, len(tickets))
    return TicketBundle(Signed.create(body, LOTTERY_DOMAIN, signer), tuple(tickets))


def binomial_interval(n: int, p: float, level: float) -> tuple[int, int]:
    """The central interval [lo, hi] holding a Binomial(n, p) count with at least ``level``
    probability (each tail at most (1 − level)/2), from the exact distribution."""
    tail = (1 - level) / 2
    log_pmf = [
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        + k * math.log(p) + (n - k) * math.log1p(-p)
        for k in range(n + 1)
    ]  # fmt: skip
    pmf = [math.exp(x) for x in log_pmf]
    lo, acc = 0, 0.0
    while acc + pmf[lo] <= tail:
        acc += pmf[lo]
        lo += 1
    hi, acc = n, 0.0
    while acc + pmf[hi] <= tail:
        acc += pmf[hi]
        hi -= 1
    return lo, hi


# ---------------------------------------------------------------------------------------------
# Probability and the draw


def test_threshold_probability_and_expected_value_are_exact() -> None:
    threshold = win_threshold(Fraction(1, 1000))
    assert threshold_probability(threshold) == Fraction((1 << 256) // 1000, 1 << 256)
    assert threshold_probability(win_threshold(Fraction(1, 2))) == Fraction(1, 2)
    assert win_threshold(1) == b"\xff" * 32  # p = 1 is capped at 2**256 − 1
    bundle, _ = one_bundle(1)
    ticket = bundle.tickets[0]
    assert ticket.probability == Fraction(1, 4)
    assert ticket.expected_value == Fraction(100, 4)
    for bad in (Fraction(0), Fraction(3, 2), 0.5, Fraction(1, 2**300)):
        with pytest.raises(InvalidArgument):
            win_threshold(bad)  # type: ignore[arg-type]


def test_the_draw_is_the_tagged_hash_of_ticket_id_and_randomness() -> None:
    bundle, _ = one_bundle(1)
    ticket = bundle.tickets[0]
    randomness = Digest(b"\x33" * 32)
    expected = tagged_hash("oddsproof/ticket-draw/v1", ticket.id.raw, randomness.raw)
    assert ticket.draw(randomness) == expected
    assert ticket.wins(randomness) == (
        int.from_bytes(expected.raw, "big") < int.from_bytes(ticket.threshold, "big")
    )


def test_signature_bytes_never_feed_the_draw() -> None:
    """A ticket's id (and so its draw) is the same under any batch and any signatures."""
    bundle, _ = one_bundle(3)
    ticket = bundle.tickets[1]
    other = signed_bundle(list(bundle.tickets), signer=CHARLIE)
    assert other.batch.signatures != bundle.batch.signatures
    assert attrs.evolve(ticket).id == ticket.id
    assert {f.name for f in attrs.fields(Ticket)}.isdisjoint({"signature", "signatures"})


def test_observed_win_rate_lies_in_the_binomial_interval() -> None:
    """10,000 draws (250 tickets × 40 beacon rounds) at p = 1/10, seeded by fixed keys and
    rounds; the count must lie in the exact 99.9 % binomial interval [lo, hi]."""
    beacon = lottery_beacon()
    bundle, _ = one_bundle(1)
    base = bundle.tickets[0]
    p = Fraction(1, 10)
    threshold = win_threshold(p)
    tickets = [attrs.evolve(base, nonce=n, threshold=threshold) for n in range(250)]
    wins = 0
    for round_number in range(40):
        randomness = beacon.randomness(beacon.value(round_number, now=10**6))
        wins += sum(t.wins(randomness) for t in tickets)
    lo, hi = binomial_interval(10_000, 0.1, 0.999)
    assert (lo, hi) == (903, 1_100)
    assert lo <= wins <= hi


# ---------------------------------------------------------------------------------------------
# The recipient's validation, one tampered field at a time


NOW = 1_055  # round 5 is the last published; the issuer targets round 7


def _fresh() -> tuple[Any, Any, TrainingWorker]:
    chain = small_chain()
    worker = TrainingWorker(chain, b"lottery")
    issuer, receiver = lottery_parties(chain, lottery_account())
    return issuer, receiver, worker


def _accept(receiver: Any, bundle: TicketBundle, **kwargs: Any) -> Signed[TicketBatch]:
    arguments: dict[str, Any] = {"now": NOW, "deposit": DEPOSIT, "unlocking": False}
    arguments.update(kwargs)
    return receiver.accept(bundle, **arguments)  # type: ignore[no-any-return]


def test_an_honest_bundle_is_accepted_and_cosigned() -> None:
    issuer, receiver, worker = _fresh()
    steps = worker.commit(4)
    bundle = issuer.issue(WORKER.party, steps, now=NOW)
    cosigned = _accept(receiver, bundle, steps=steps)
    assert set(cosigned.signers) == {SENDER.key, WORKER.key}
    assert cosigned.verify(LOTTERY_DOMAIN, signers=(SENDER.key, WORKER.key)) == bundle.batch.body
    assert [t.nonce for t in bundle.tickets] == [1, 2, 3, 4]
    assert {t.round for t in bundle.tickets} == {7}
    assert {t.seen_round for t in bundle.tickets} == {5}
    assert receiver.pending_rounds == (7,)


TAMPERED = [
    ("recipient", CHARLIE.key, TicketReason.WRONG_RECIPIENT),
    ("account", Digest(b"\x01" * 32), TicketReason.WRONG_ACCOUNT),
    ("sender", CHARLIE.key, TicketReason.WRONG_SENDER),
    ("seen_round", 6, TicketReason.ROUND_TOO_CLOSE),
    ("expiry", NOW, TicketReason.EXPIRED),
    ("face_value", DEPOSIT + 1, TicketReason.FACE_VALUE_UNCOVERED),
    ("threshold", win_threshold(Fraction(1, 2)), TicketReason.BAD_TERMS),
]


@pytest.mark.parametrize(
    ("field", "value", "reason"), TAMPERED, ids=[r.value for _, _, r in TAMPERED]
)
def test_each_rule_refuses_its_tampered_field(field: str, value: Any, reason: Any) -> None:
    issuer, receiver, worker = _fresh()
    bundle = issuer.issue(WORKER.party, worker.commit(3), now=NOW)
    tickets = list(bundle.tickets)
    tickets[1] = attrs.evolve(tickets[1], **{field: value})
    with pytest.raises(Refused) as caught:
        _accept(receiver, signed_bundle(tickets))
    assert caught.value.reason is reason
    # The untampered bundle still passes: only the tampered field was wrong.
    _accept(receiver, bundle)


def test_a_round_already_published_is_refused() -> None:
    issuer, receiver, worker = _fresh()
    bundle = issuer.issue(WORKER.party, worker.commit(2), now=NOW)
    tickets = [attrs.evolve(t, round=5, seen_round=3) for t in bundle.tickets]  # public at 1050
    with pytest.raises(Refused) as caught:
        _accept(receiver, signed_bundle(tickets))
    assert caught.value.reason is TicketReason.ROUND_PUBLISHED
    # The honest bundle, received when its round is out, is refused too.
    with pytest.raises(Refused) as caught:
        _accept(receiver, bundle, now=lottery_beacon().time_of(7))
    assert caught.value.reason is TicketReason.ROUND_PUBLISHED


def test_a_reused_nonce_is_refused() -> None:
    issuer, receiver, worker = _fresh()
    first = issuer.issue(WORKER.party, worker.commit(2), now=NOW)
    _accept(receiver, first)
    second = issuer.issue(WORKER.party, worker.commit(2), now=NOW)
    replay = [attrs.evolve(second.tickets[0], nonce=2), second.tickets[1]]
    with pytest.raises(Refused) as caught:
        _accept(receiver, signed_bundle(replay))
    assert caught.value.reason is TicketReason.NONCE_REUSED
    _accept(receiver, second)
    with pytest.raises(Refused) as caught:
        _accept(receiver, second)  # the same batch twice
    assert caught.value.reason is TicketReason.NONCE_REUSED


def test_an_unlocking_sender_is_refused() -> None:
    issuer, receiver, worker = _fresh()
    bundle = issuer.issue(WORKER.party, worker.commit(2), now=NOW)
    with pytest.raises(Refused) as caught:
        _accept(receiver, bundle, unlocking=True)
    assert caught.value.reason is TicketReason.SENDER_UNLOCKING


def test_bad_signatures_roots_and_steps_are_refused() -> None:
    issuer, receiver, worker = _fresh()
    steps = worker.commit(3)
    bundle = issuer.issue(WORKER.party, steps, now=NOW)
    cases: list[tuple[TicketBundle, TicketReason, dict[str, Any]]] = []
    cases.append((signed_bundle(list(bundle.tickets), signer=CHARLIE),
                  TicketReason.BAD_SIGNATURE, {}))  # fmt: skip
    sig = bundle.batch.signatures[0]
    flipped = attrs.evolve(sig, sig=bytes([sig.sig[0] ^ 1]) + sig.sig[1:])
    forged = TicketBundle(attrs.evolve(bundle.batch, signatures=(flipped,)), bundle.tickets)
    cases.append((forged, TicketReason.BAD_SIGNATURE, {}))
    other_root = attrs.evolve(bundle.batch.body, root=Digest(b"\x09" * 32))
    cases.append(
        (
            TicketBundle(Signed.create(other_root, LOTTERY_DOMAIN, SENDER), bundle.tickets),
            TicketReason.BAD_PROOF,
            {},
        )
    )
    cases.append((TicketBundle(bundle.batch, bundle.tickets[:2]), TicketReason.BAD_PROOF, {}))
    cases.append(
        (signed_bundle(list(bundle.tickets), account=Digest(b"\x02" * 32)),
         TicketReason.WRONG_ACCOUNT, {})
    )  # fmt: skip
    changed = attrs.evolve(steps[2], output=Digest(b"\x07" * 32))
    cases.append((bundle, TicketReason.UNKNOWN_STEP, {"steps": [*steps[:2], changed]}))
    for case, reason, extra in cases:
        with pytest.raises(Refused) as caught:
            _accept(receiver, case, **extra)
        assert caught.value.reason is reason, reason
    assert receiver.highest_nonce == 0  # nothing was kept
    assert receiver.pending_rounds == ()
    _accept(receiver, bundle, steps=steps)


def test_check_ticket_on_its_own() -> None:
    bundle, _ = one_bundle(1)
    ticket = bundle.tickets[0]
    account = lottery_account()
    check_ticket(ticket, account, recipient=WORKER.key, now=1_005, deposit=100, unlocking=False)
    with pytest.raises(Refused) as caught:
        check_ticket(
            ticket, account, recipient=WORKER.key, now=1_005, deposit=100, unlocking=False, lead=20
        )
    assert caught.value.reason is TicketReason.ROUND_PUBLISHED  # not enough lead time
    with pytest.raises(InvalidArgument):
        check_ticket(ticket, account, recipient=WORKER.key, now=-1, deposit=1, unlocking=False)


# ---------------------------------------------------------------------------------------------
# The sender's checks of the worker's commitments


def test_the_issuer_pays_only_for_a_chained_schedule() -> None:
    issuer, _, worker = _fresh()
    steps = worker.commit(4)
    chain = worker.chain
    gap = [steps[0], steps[2]]
    swapped = [steps[0], attrs.evolve(steps[1], input=Digest(b"\x04" * 32))]
    reseeded = [attrs.evolve(steps[0], seed=Digest(b"\x05" * 32))]
    foreign = [attrs.evolve(steps[0], job=Digest(b"\x06" * 32))]
    for bad, reason in (
        (gap, TicketReason.BROKEN_CHAIN),
        (swapped, TicketReason.BROKEN_CHAIN),
        (reseeded, TicketReason.WRONG_SEED),
        (foreign, TicketReason.UNKNOWN_STEP),
    ):
        with pytest.raises(Refused) as caught:
            issuer.issue(WORKER.party, bad, now=NOW)
        assert caught.value.reason is reason
    issuer.issue(WORKER.party, steps[:2], now=NOW)
    with pytest.raises(Refused) as caught:
        issuer.issue(WORKER.party, steps[:2], now=NOW)  # paying twice for the same steps
    assert caught.value.reason is TicketReason.BROKEN_CHAIN
    issuer.issue(WORKER.party, steps[2:], now=NOW)
    assert chain.seeds.seed(3) == steps[3].seed


# ---------------------------------------------------------------------------------------------
# Winners


@settings(max_examples=15)
@given(st.integers(1, 24), st.sampled_from([Fraction(1, 2), Fraction(1, 5), Fraction(1)]))
def test_winners_are_exactly_the_winning_tickets(count: int, p: Fraction) -> None:
    chain = small_chain(steps=24)
    worker = TrainingWorker(chain, b"lottery")
    account = lottery_account()
    issuer, receiver = lottery_parties(chain, account, probability=p)
    beacon = lottery_beacon()
    bundle = issuer.issue(WORKER.party, worker.commit(count), now=NOW)
    _accept(receiver, bundle)
    assert receiver.winners(beacon, now=NOW) == ()  # round 7 is not out yet
    later = beacon.time_of(7)
    randomness = beacon.randomness(beacon.value(7, now=later))
    winners = receiver.winners(beacon, now=later)
    expected = [t for t in bundle.tickets if t.wins(randomness)]
    assert [w.ticket for w in winners] == expected
    for winner in winners:
        winner.check(account, LOTTERY_DOMAIN)
    assert receiver.pending_rounds == ()


def test_a_winning_ticket_proves_itself_or_is_refused() -> None:
    chain = small_chain()
    account = lottery_account()
    issuer, receiver = lottery_parties(chain, account, probability=Fraction(1))
    bundle = issuer.issue(WORKER.party, TrainingWorker(chain, b"x").commit(3), now=NOW)
    _accept(receiver, bundle)
    beacon = lottery_beacon()
    winners = receiver.winners(beacon, now=beacon.time_of(7))
    assert len(winners) == 3
    good = winners[1]
    good.check(account, LOTTERY_DOMAIN)
    bad: list[tuple[WinningTicket, TicketReason, LotteryAccount]] = [
        (attrs.evolve(good, batch=bundle.batch), TicketReason.BAD_SIGNATURE, account),
        (attrs.evolve(good, proof=winners[0].proof), TicketReason.BAD_PROOF, account),
        (good, TicketReason.WRONG_ACCOUNT, lottery_account(margin=3)),
        (
            attrs.evolve(good, ticket=attrs.evolve(good.ticket, face_value=10**6)),
            TicketReason.BAD_PROOF,
            account,
        ),
    ]
    for winner, reason, acct in bad:
        with pytest.raises(Refused) as caught:
            winner.check(acct, LOTTERY_DOMAIN)
        assert caught.value.reason is reason
    assert isinstance(good.ticket.step, StepCommitment)


def test_tickets_drawn_by_an_external_beacon() -> None:
    """An account may name a grindable external beacon (block hashes, say); the draw is the
    same, and a round of any other beacon is refused."""
    hashes = {r: tagged_hash("test/block", r.to_bytes(8, "big")).raw for r in range(100)}
    external = ExternalBeacon("chain/block-hash", genesis=1_000, period=10, fetch=hashes.get)
    account = LotteryAccount(SENDER.party, external.spec, 2, 10_000, (), 0, b"\x01" * 16)
    chain = small_chain()
    issuer, receiver = lottery_parties(chain, account, probability=Fraction(1, 2))
    bundle = issuer.issue(WORKER.party, TrainingWorker(chain, b"x").commit(16), now=NOW)
    _accept(receiver, bundle)
    with pytest.raises(Refused) as caught:
        receiver.winners(lottery_beacon(), now=10**6)
    assert caught.value.reason is TicketReason.WRONG_BEACON
    randomness = external.randomness(external.value(7, now=1_070))
    winners = receiver.winners(external, now=1_070)
    assert [w.ticket for w in winners] == [t for t in bundle.tickets if t.wins(randomness)]
    assert 0 < len(winners) < 16
