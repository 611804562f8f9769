"""The step function: determinism, termination, conservation, escrow before promise, and each
kind of evidence accepted or refused for its reason."""

from __future__ import annotations

import itertools
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oddsproof.contracts import (
    Agreed,
    Allocation,
    BeaconRound,
    Bet,
    Both,
    Case,
    Caution,
    CheckReason,
    Claimed,
    Close,
    Contract,
    ContractState,
    Pay,
    Send,
    Seq,
    Settlement,
    Step,
    Supplies,
    Verdict,
    When,
    advance,
    analyze,
    begin,
    lottery,
    requirements,
    start,
    step,
)
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.ledger import Transfer
from oddsproof.wire import DEFAULT_MAX_SIZE, Domain, Signed, decode, tagged_hash
from tests.strategies import (
    ARBITERS,
    BEACON,
    COMPUTATION_IDS,
    IDENTITIES,
    INPUT_IDS,
    OUTPUT_IDS,
    SEMANTICS_DOMAIN,
    beacon_round,
    contracts,
    evidence_candidates,
    exact_settlement,
    identity_of,
    make_claim,
    make_ruling,
    sound_contracts,
    statement_of,
)

ALICE, BOB, CAROL, DAVE = IDENTITIES[:4]
JUDGE = ARBITERS[0]
DOMAIN = SEMANTICS_DOMAIN
T0 = 1000
WANT = Supplies(BOB.party, COMPUTATION_IDS[0], INPUT_IDS[0])
CLAIMED_STATEMENT = statement_of(COMPUTATION_IDS[0], INPUT_IDS[0], OUTPUT_IDS[0])
TICKS = st.sampled_from([0, 1, 7, 60, 600, 3600, 30_000])


def contract(terms: object, *, parties: tuple[object, ...] = (), **kw: object) -> Contract:
    people = parties or (ALICE.party, BOB.party, CAROL.party)
    options: dict[str, object] = {
        "arbiters": (JUDGE.party,),
        "beacon": BEACON.key,
        "created": T0,
        "nonce": bytes(16),
    }
    options.update(kw)
    return Contract(people, terms, **options)  # type: ignore[arg-type]


def seed(deadline: int = T0 + 100) -> Contract:
    """Alice pays Bob 5 (and sends coin c) when Bob supplies F(X)."""
    then = Both(Pay(ALICE.party, BOB.party, 5), Send("c", ALICE.party, BOB.party))
    return contract(When((Case(WANT, then),), deadline))


def go(c: Contract, evidence: object, now: int, state: ContractState | None = None) -> Step:
    state = begin(c, now=T0).state if state is None else state
    return step(c, state, evidence, now=now, domain=DOMAIN)  # type: ignore[arg-type]


def moves(transfers: tuple[Transfer, ...]) -> Counter[tuple[bytes, bytes, int, str | None]]:
    return Counter((t.payer.key.raw, t.payee.key.raw, t.amount, t.coin) for t in transfers)


# ---------------------------------------------------------------------------------------------
# Running random contracts with random evidence


def run(c: Contract, data: st.DataObject, *, length: int = 10) -> list[tuple[object, int, Step]]:
    """Drive ``c`` with drawn evidence and times; returns (evidence, now, step) for each step."""
    first = begin(c, now=c.created)
    history: list[tuple[object, int, Step]] = [(None, c.created, first)]
    now = c.created
    for _ in range(length):
        state = history[-1][2].state
        if state.closed:
            break
        now += data.draw(TICKS)
        evidence = data.draw(st.sampled_from(evidence_candidates(c, state)))
        history.append((evidence, now, step(c, state, evidence, now=now, domain=DOMAIN)))
    return history


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_steps_are_deterministic_to_the_byte(c: Contract, data: st.DataObject) -> None:
    history = run(c, data)
    state = begin(c, now=c.created).state
    assert state.encoded == history[0][2].state.encoded
    for evidence, now, result in history[1:]:
        again = step(c, state, evidence, now=now, domain=DOMAIN)  # type: ignore[arg-type]
        assert again.encoded == result.encoded
        assert decode(again.encoded, Step) == again
        state = again.state


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_value_is_conserved_and_never_negative_along_any_run(
    c: Contract, data: st.DataObject
) -> None:
    escrowed = {a.party.key.raw: a for a in requirements(c)}
    paid: Counter[bytes] = Counter()
    coins_out: list[str] = []
    for _, _, result in run(c, data, length=14):
        assert not result.warnings, result.warnings  # no partial pay in a sound contract
        for t in result.transfers:
            if t.coin is None:
                paid[t.payer.key.raw] += t.amount
            else:
                assert t.coin in escrowed[t.payer.key.raw].coins
                coins_out.append(t.coin)
        for key, holding in escrowed.items():
            left = result.state.holding(holding.party)
            assert paid[key] + (left.amount if left else 0) == holding.amount
        assert len(coins_out) == len(set(coins_out))  # each coin leaves at most once
    final = advance(c, result.state, now=analyze(c).ends_by).state
    assert final.closed
    assert final.escrow == ()


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_every_run_closes_within_the_analysis_bounds(c: Contract, data: st.DataObject) -> None:
    report = analyze(c)
    history = run(c, data, length=25)
    changes = sum(1 for a, b in itertools.pairwise(history) if a[2].state.terms != b[2].state.terms)
    assert changes <= report.max_steps
    last = history[-1][2].state
    assert advance(c, last, now=max(report.ends_by, last.time)).state.closed


def _overrode(c: Contract, evidence: object, result: Step) -> bool:
    return (
        isinstance(evidence, Signed)
        and isinstance(evidence.body, Settlement)
        and all(evidence.signed_by(p) for p in c.parties)
        and result.met > 0
    )


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_a_run_makes_the_transfers_of_one_analysed_path(c: Contract, data: st.DataObject) -> None:
    """Differential: the step function and the analysis are written independently."""
    report = analyze(c, max_paths=10_000)
    assume(report.path_count == len(report.paths))
    history = run(c, data, length=25)
    # A settlement signed by everyone redistributes escrow freely: not a path of the terms.
    assume(not any(_overrode(c, e, r) for e, _, r in history[1:]))
    last = history[-1][2].state
    tail = advance(c, last, now=max(report.ends_by, last.time))
    made = moves(tuple(t for _, _, r in history for t in r.transfers) + tail.transfers)
    assert any(made == moves(p.transfers) for p in report.paths), made


@settings(max_examples=40)
@given(contracts, st.data())
def test_any_contract_any_evidence_never_raises_and_terminates(
    c: Contract, data: st.DataObject
) -> None:
    """Total over all evidence, even for contracts the analysis would refuse."""
    state = begin(c, now=c.created).state
    now = c.created
    pool: list[object] = [
        *evidence_candidates(c, state),
        make_claim(c, WANT),
        beacon_round(7),
        b"junk",
        Signed.create(Close(), DOMAIN, ALICE),
    ]
    for _ in range(6):
        now += data.draw(TICKS)
        evidence = data.draw(st.sampled_from(pool))
        state = step(c, state, evidence, now=now, domain=DOMAIN).state  # type: ignore[arg-type]
    latest = analyze(c).ends_by
    assert advance(c, state, now=max(latest, state.time)).state.closed


# ---------------------------------------------------------------------------------------------
# Escrow before promise


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_start_refuses_any_shortfall_and_accepts_enough(c: Contract, data: st.DataObject) -> None:
    needs = requirements(c)
    offer = Signed.create(c, DOMAIN, *([identity_of(a.party) for a in needs] or [ALICE]))
    balances = {a.party: a.amount + data.draw(st.integers(-3, 3)) for a in needs}
    balances = {p: max(0, v) for p, v in balances.items()}
    coins = {coin: a.party for a in needs for coin in a.coins if data.draw(st.booleans())}
    short = [
        a
        for a in needs
        if balances[a.party] < a.amount or any(coin not in coins for coin in a.coins)
    ]
    if short:
        with pytest.raises(Refused) as refused:
            start(offer, domain=DOMAIN, balances=balances, coins=coins, now=T0)
        assert refused.value.reason is CheckReason.INSUFFICIENT_FUNDS
        assert [s.party for s in refused.value.details["shortfalls"]] == [a.party for a in short]
    else:
        first = start(offer, domain=DOMAIN, balances=balances, coins=coins, now=T0)
        assert first == begin(c, now=T0)


def test_start_refuses_an_offer_a_payer_did_not_sign() -> None:
    c = seed()
    with pytest.raises(Refused) as refused:
        start(
            Signed.create(c, DOMAIN, BOB),
            domain=DOMAIN,
            balances={ALICE.party: 5},
            coins={"c": ALICE.party},
            now=T0,
        )
    assert refused.value.reason is CheckReason.OFFER_NOT_SIGNED


def test_start_refuses_an_offer_in_another_domain_or_with_a_bad_signature() -> None:
    c = seed()
    offer = Signed.create(c, Domain("elsewhere"), ALICE)
    funds = {"balances": {ALICE.party: 5}, "coins": {"c": ALICE.party}}
    with pytest.raises(Refused) as refused:
        start(offer, domain=DOMAIN, now=T0, **funds)  # type: ignore[arg-type]
    assert refused.value.reason is CheckReason.WRONG_DOMAIN
    good = Signed.create(c, DOMAIN, ALICE)
    sig = good.signatures[0]
    forged = Signed(c, DOMAIN, (type(sig)(sig.signer, bytes(64)),))
    with pytest.raises(Refused) as refused:
        start(forged, domain=DOMAIN, now=T0, **funds)  # type: ignore[arg-type]
    assert refused.value.reason is CheckReason.BAD_SIGNATURE


def test_start_refuses_an_unsound_offer() -> None:
    dave_pays = contract(Pay(DAVE.party, BOB.party, 3))  # dave is no party: he escrows nothing
    with pytest.raises(Refused) as refused:
        start(
            Signed.create(dave_pays, DOMAIN, DAVE),
            domain=DOMAIN,
            balances={DAVE.party: 100},
            now=T0,
        )
    assert refused.value.reason is CheckReason.UNSOUND
    assert refused.value.details["findings"]


def test_start_pays_immediate_terms_and_refunds_a_closed_contract() -> None:
    c = contract(Pay(ALICE.party, BOB.party, 4))
    first = start(Signed.create(c, DOMAIN, ALICE), domain=DOMAIN, balances={ALICE.party: 9}, now=T0)
    assert first.state.closed
    assert first.state.escrow == ()
    assert first.transfers == (Transfer(ALICE.party, BOB.party, 4),)


# ---------------------------------------------------------------------------------------------
# Supplies


def test_a_claim_meets_supplies_and_payments_are_conditional_on_it() -> None:
    c = seed()
    claim = make_claim(c, WANT, issued=T0 + 1)
    result = go(c, claim, T0 + 2)
    assert result.rejected is None
    assert result.met == 1
    assert result.state.closed
    assert result.transfers == (
        Transfer(ALICE.party, BOB.party, 5, None, claim.id),
        Transfer(ALICE.party, BOB.party, 0, "c", claim.id),
    )
    assert result.state.claims == ((claim.id, CLAIMED_STATEMENT.id),)


def _tampered_claim(c: Contract, field: str) -> tuple[object, CheckReason, int]:
    """A claim with one thing wrong, the reason expected, and the time it is presented."""
    now = T0 + 10
    good = make_claim(c, WANT, issued=T0 + 1)
    body = good.body
    if field == "domain":
        return Signed.create(body, Domain("elsewhere"), BOB), CheckReason.WRONG_DOMAIN, now
    if field == "signature":
        sig = good.signatures[0]
        bad = Signed(
            body, DOMAIN, (type(sig)(sig.signer, sig.sig[:-1] + bytes([sig.sig[-1] ^ 1])),)
        )
        return bad, CheckReason.BAD_SIGNATURE, now
    if field == "signer":
        return Signed.create(body, DOMAIN, CAROL), CheckReason.WRONG_SIGNER, now
    changes: dict[str, tuple[dict[str, object], CheckReason]] = {
        "offer": ({"offer": tagged_hash("x", b"other offer")}, CheckReason.WRONG_OFFER),
        "claimant": ({"claimant": CAROL.party}, CheckReason.NOT_A_SUPPLIER),
        "computation": ({"computation": COMPUTATION_IDS[1]}, CheckReason.COMPUTATION_MISMATCH),
        "input": ({"input": INPUT_IDS[1]}, CheckReason.INPUT_MISMATCH),
        "issued-early": ({"issued": T0 - 1}, CheckReason.ISSUED_BEFORE_OFFER),
        "issued-late": ({"issued": now + 1}, CheckReason.ISSUED_IN_FUTURE),
    }
    if field == "late":
        return good, CheckReason.EXPIRED, T0 + 100
    fields, reason = changes[field]
    import attrs  # noqa: PLC0415

    changed = attrs.evolve(body, **fields)
    signer = CAROL if field == "claimant" else BOB
    return Signed.create(changed, DOMAIN, signer), reason, now


CLAIM_FIELDS = [
    "domain",
    "signature",
    "signer",
    "offer",
    "claimant",
    "computation",
    "input",
    "issued-early",
    "issued-late",
    "late",
]


@pytest.mark.parametrize("field", CLAIM_FIELDS)
def test_a_tampered_claim_is_refused_for_its_reason(field: str) -> None:
    c = seed()
    evidence, reason, now = _tampered_claim(c, field)
    result = go(c, evidence, now)
    assert result.rejected is reason
    assert result.transfers == () or field == "late"  # late: the timeout refunds
    assert result.met == 0


def test_a_claim_is_accepted_once() -> None:
    c = contract(Seq(When((Case(WANT, Close()),), T0 + 50), When((Case(WANT, Close()),), T0 + 90)))
    claim = make_claim(c, WANT)
    first = go(c, claim, T0 + 1)
    assert first.met == 1
    again = go(c, claim, T0 + 2, first.state)
    assert again.rejected is CheckReason.ALREADY_CLAIMED
    other = go(c, make_claim(c, WANT, OUTPUT_IDS[1]), T0 + 3, first.state)
    assert other.met == 1


def test_evidence_for_a_closed_contract_or_nothing_waiting_or_of_no_kind() -> None:
    c = contract(When((Case(Verdict(None, True), Close()),), T0 + 50))
    assert go(c, make_claim(c, WANT), T0 + 1).rejected is CheckReason.NOTHING_WAITING
    closed = go(c, None, T0 + 60).state
    assert closed.closed
    assert go(c, make_claim(c, WANT), T0 + 61, closed).rejected is CheckReason.CONTRACT_CLOSED
    assert go(c, b"junk", T0 + 1).rejected is CheckReason.UNSUPPORTED_EVIDENCE
    signed_term = Signed.create(Close(), DOMAIN, ALICE)
    assert go(c, signed_term, T0 + 1).rejected is CheckReason.UNSUPPORTED_EVIDENCE


# ---------------------------------------------------------------------------------------------
# Verdict


def verdict_contract(upheld: bool = True) -> Contract:
    """Bob supplies; then, on a final ruling upholding his claim, Alice pays him 7."""
    inner = When((Case(Verdict(None, upheld), Pay(ALICE.party, BOB.party, 7)),), T0 + 80)
    return contract(When((Case(WANT, inner),), T0 + 100), delta=10)


def test_a_final_ruling_on_the_claim_meets_the_verdict() -> None:
    c = verdict_contract()
    claim = make_claim(c, WANT)
    supplied = go(c, claim, T0 + 1)
    assert isinstance(supplied.state.terms, Claimed)
    ruling = make_ruling(CLAIMED_STATEMENT.id, True, contract=c.id, claim=claim.id)
    result = go(c, ruling, T0 + 2, supplied.state)
    assert result.met == 1
    assert result.state.closed
    assert result.transfers == (Transfer(ALICE.party, BOB.party, 7, None, claim.id),)


def test_a_ruling_the_other_way_rules_the_case_out_and_continues_at_once() -> None:
    c = verdict_contract()
    supplied = go(c, make_claim(c, WANT), T0 + 1)
    result = go(c, make_ruling(CLAIMED_STATEMENT.id, False), T0 + 2, supplied.state)
    assert result.rejected is None
    assert result.ruled_out == 1
    assert result.met == 0
    assert result.state.closed  # otherwise (Close) ran before the deadline
    assert result.transfers == (Transfer(ALICE.party, ALICE.party, 7),)  # the refund


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"final": False}, CheckReason.NOT_FINAL),
        ({"by": IDENTITIES[0]}, CheckReason.NOT_AN_ARBITER),
        ({"contract": tagged_hash("x", b"other")}, CheckReason.WRONG_CONTRACT),
        ({"statement": tagged_hash("x", b"other")}, CheckReason.WRONG_STATEMENT),
        ({"claim": tagged_hash("x", b"other")}, CheckReason.WRONG_CLAIM),
    ],
)
def test_a_ruling_that_does_not_count_is_refused_for_its_reason(
    change: dict[str, object], reason: CheckReason
) -> None:
    c = verdict_contract()
    supplied = go(c, make_claim(c, WANT), T0 + 1)
    args: dict[str, object] = {"contract": c.id}
    statement = change.pop("statement", CLAIMED_STATEMENT.id)
    args.update(change)
    result = go(c, make_ruling(statement, True, **args), T0 + 2, supplied.state)  # type: ignore[arg-type]
    assert result.rejected is reason
    assert result.state.terms == supplied.state.terms


def test_a_verdict_on_the_claim_with_no_claim_accepted() -> None:
    c = contract(When((Case(Verdict(None, True), Close()),), T0 + 50))
    assert go(c, make_ruling(CLAIMED_STATEMENT.id, True), T0 + 1).rejected is CheckReason.NO_CLAIM


def test_a_verdict_on_the_claim_follows_the_claim_of_an_earlier_seq() -> None:
    first = When((Case(WANT, Close()),), T0 + 50)
    second = When((Case(Verdict(None, True), Pay(ALICE.party, BOB.party, 1)),), T0 + 90)
    c = contract(Seq(first, second))
    claim = make_claim(c, WANT, OUTPUT_IDS[1])
    supplied = go(c, claim, T0 + 1)
    statement = statement_of(COMPUTATION_IDS[0], INPUT_IDS[0], OUTPUT_IDS[1]).id
    assert go(c, make_ruling(CLAIMED_STATEMENT.id, True), T0 + 2, supplied.state).rejected is (
        CheckReason.WRONG_STATEMENT
    )
    result = go(c, make_ruling(statement, True), T0 + 2, supplied.state)
    assert result.met == 1
    assert result.transfers[0] == Transfer(ALICE.party, BOB.party, 1)  # not in the claim's scope


def test_one_ruling_settles_every_wait_on_its_statement() -> None:
    stmt = CLAIMED_STATEMENT
    bet = Bet(BOB.party, ALICE.party, stmt, 100, 1, T0 + 50)
    paid = When((Case(Verdict(stmt.id, True), Pay(ALICE.party, BOB.party, 3)),), T0 + 50)
    c = contract(Both(bet, paid))
    result = go(c, make_ruling(stmt.id, True), T0 + 1)
    assert result.met == 2
    assert result.state.closed
    assert moves(result.transfers) == moves(
        (
            Transfer(ALICE.party, BOB.party, 1),
            Transfer(ALICE.party, BOB.party, 3),
            Transfer(BOB.party, BOB.party, 100),
        )
    )


@pytest.mark.parametrize(("upheld", "winner"), [(True, BOB), (False, ALICE)])
def test_a_bet_pays_the_winner_and_refunds_the_rest(upheld: bool, winner: object) -> None:
    stmt = CLAIMED_STATEMENT
    c = contract(Bet(BOB.party, ALICE.party, stmt, 100, 1, T0 + 50))
    assert {a.party.name: a.amount for a in requirements(c)} == {"alice": 1, "bob": 100}
    result = go(c, make_ruling(stmt.id, upheld), T0 + 1)
    won = 1 if upheld else 100
    loser = ALICE if upheld else BOB
    assert Transfer(loser.party, winner.party, won) in result.transfers  # type: ignore[attr-defined]
    timeout = go(c, None, T0 + 50)
    assert moves(timeout.transfers) == moves(
        (Transfer(ALICE.party, ALICE.party, 1), Transfer(BOB.party, BOB.party, 100))
    )


# ---------------------------------------------------------------------------------------------
# Lottery


def lottery_contract(p: Fraction, round_number: int = 7) -> Contract:
    win = When((Case(lottery(round_number, p), Pay(ALICE.party, BOB.party, 2)),), T0 + 50)
    return contract(win)


@settings(max_examples=50)
@given(st.integers(0, 2**20), st.fractions(0, 1, max_denominator=100))
def test_a_round_wins_exactly_below_the_threshold_and_otherwise_continues_at_once(
    number: int, p: Fraction
) -> None:
    c = lottery_contract(p, number)
    assert isinstance(c.terms, When)
    condition = c.terms.cases[0].condition
    assert isinstance(condition, type(lottery(0, p)))
    round_ = beacon_round(number)
    wins = int.from_bytes(round_.randomness.raw, "big") < int.from_bytes(condition.threshold, "big")
    result = go(c, round_, T0 + 1)
    assert result.rejected is None
    assert result.state.closed  # won: paid; lost: the case is ruled out, otherwise runs now
    assert (result.met, result.ruled_out) == ((1, 0) if wins else (0, 1))
    assert (Transfer(ALICE.party, BOB.party, 2) in result.transfers) is wins


def test_a_lost_round_leaves_the_other_cases_waiting() -> None:
    agreed = Case(Agreed((ALICE.party,)), Close())
    c = contract(When((Case(lottery(7, Fraction(0)), Close()), agreed), T0 + 50))
    result = go(c, beacon_round(7), T0 + 1)
    assert result.ruled_out == 1
    assert not result.state.closed
    assert result.state.terms == When((agreed,), T0 + 50)


def test_rounds_that_do_not_count() -> None:
    c = lottery_contract(Fraction(1, 2))
    assert go(c, beacon_round(8), T0 + 1).rejected is CheckReason.WRONG_ROUND
    assert go(c, beacon_round(7, DAVE), T0 + 1).rejected is CheckReason.WRONG_BEACON
    forged = BeaconRound(BEACON.key, 7, bytes(64))
    assert go(c, forged, T0 + 1).rejected is CheckReason.BAD_SIGNATURE
    no_beacon = contract(c.terms, beacon=None)
    assert go(no_beacon, beacon_round(7), T0 + 1).rejected is CheckReason.WRONG_BEACON


# ---------------------------------------------------------------------------------------------
# Settlements


def everyone(c: Contract) -> tuple[object, ...]:
    return tuple(identity_of(p) for p in c.parties)


@settings(max_examples=60)
@given(sound_contracts(), st.data())
def test_a_settlement_signed_by_all_overrides_any_pending_condition(
    c: Contract, data: st.DataObject
) -> None:
    history = run(c, data, length=data.draw(st.integers(0, 4)))
    state = history[-1][2].state
    assume(not state.closed)
    to = data.draw(st.integers(0, 3))
    settlement = exact_settlement(c, state, state.settled + 1, to=to)
    signed = Signed.create(settlement, DOMAIN, *everyone(c))  # type: ignore[arg-type]
    now = history[-1][1] + data.draw(st.sampled_from([0, 1, 5]))
    result = step(c, state, signed, now=now, domain=DOMAIN)
    timed = advance(c, state, now=now)
    if timed.state.closed:  # the timeouts closed it first: nothing left to settle
        assert result.rejected is CheckReason.CONTRACT_CLOSED or result.state.closed
        return
    assert result.rejected is None
    assert result.state.closed
    assert result.state.escrow == ()
    winner = c.parties[to % len(c.parties)].key.raw
    held = timed.state.escrow
    total = sum(a.amount for a in held)
    got = sum(t.amount for t in result.transfers if t.payee.key.raw == winner and t.coin is None)
    before = sum(t.amount for t in timed.transfers if t.payee.key.raw == winner and t.coin is None)
    assert got - before == total
    coins = sorted(t.coin for t in result.transfers if t.coin is not None)
    assert coins == sorted(
        [c_ for a in held for c_ in a.coins]
        + [t.coin for t in timed.transfers if t.coin is not None]
    )
    assert result.state.settled == settlement.version


def test_a_settlement_meets_agreed_and_an_older_one_is_refused() -> None:
    pay = Pay(ALICE.party, BOB.party, 2)
    first_wait = When((Case(Agreed((ALICE.party,)), pay),), T0 + 50)
    c = contract(Seq(first_wait, When((Case(Agreed((ALICE.party, BOB.party)), Close()),), T0 + 90)))
    s1 = Signed.create(Settlement(c.id, 1, ()), DOMAIN, ALICE)
    first = go(c, s1, T0 + 1)
    assert first.met == 1
    assert first.state.settled == 1
    assert first.transfers == (Transfer(ALICE.party, BOB.party, 2),)
    assert go(c, s1, T0 + 2, first.state).rejected is CheckReason.STALE_SETTLEMENT
    s2 = Signed.create(Settlement(c.id, 2, ()), DOMAIN, ALICE)
    assert go(c, s2, T0 + 2, first.state).rejected is CheckReason.NOT_SIGNED_BY_ALL
    s3 = Signed.create(Settlement(c.id, 3, ()), DOMAIN, ALICE, BOB)
    assert go(c, s3, T0 + 3, first.state).met == 1


def test_settlements_that_do_not_count() -> None:
    c = seed()
    signers = everyone(c)
    other = Signed.create(Settlement(tagged_hash("x", b"c"), 1, ()), DOMAIN, *signers)  # type: ignore[arg-type]
    assert go(c, other, T0 + 1).rejected is CheckReason.WRONG_CONTRACT
    greedy = Settlement(c.id, 1, (Allocation(BOB.party, 6, ("c",)),))
    signed = Signed.create(greedy, DOMAIN, *signers)  # type: ignore[arg-type]
    assert go(c, signed, T0 + 1).rejected is CheckReason.ALLOCATION_MISMATCH
    stranger = Settlement(c.id, 1, (Allocation(DAVE.party, 5, ("c",)),))
    signed = Signed.create(stranger, DOMAIN, *signers)  # type: ignore[arg-type]
    assert go(c, signed, T0 + 1).rejected is CheckReason.ALLOCATION_MISMATCH
    fair = Settlement(c.id, 1, (Allocation(BOB.party, 5, ("c",)),))
    partial = Signed.create(fair, DOMAIN, ALICE, BOB)
    assert go(c, partial, T0 + 1).rejected is CheckReason.NOTHING_WAITING
    done = go(c, Signed.create(fair, DOMAIN, *signers), T0 + 1)  # type: ignore[arg-type]
    assert done.met == 1
    assert done.state.closed
    assert done.transfers == (
        Transfer(ALICE.party, BOB.party, 5),
        Transfer(ALICE.party, BOB.party, 0, "c"),
    )


# ---------------------------------------------------------------------------------------------
# Money edge cases and arguments


def test_a_pay_beyond_the_escrow_pays_what_is_there_and_warns() -> None:
    c = contract(Seq(Pay(ALICE.party, BOB.party, 5), Pay(ALICE.party, CAROL.party, 5)))
    first = begin(c, now=T0, escrow=(Allocation(ALICE.party, 7),))
    assert [w.code for w in first.warnings] == [Caution.PARTIAL_PAY]
    assert first.transfers == (
        Transfer(ALICE.party, BOB.party, 5),
        Transfer(ALICE.party, CAROL.party, 2),
    )
    empty = begin(c, now=T0, escrow=())
    assert [w.code for w in empty.warnings] == [Caution.NOTHING_TO_PAY] * 2
    coin = begin(contract(Send("c", ALICE.party, BOB.party)), now=T0, escrow=())
    assert [w.code for w in coin.warnings] == [Caution.COIN_MISSING]


def test_time_does_not_run_backwards() -> None:
    c = seed()
    later = go(c, None, T0 + 10).state
    result = go(c, make_claim(c, WANT), T0 + 5, later)
    assert [w.code for w in result.warnings] == [Caution.CLOCK_BACKWARDS]
    assert result.state.time == T0 + 10
    assert result.met == 1


def test_unknown_terms_close_with_a_warning() -> None:
    inner = Claimed(tagged_hash("x", b"c"), tagged_hash("x", b"s"), Pay(ALICE.party, BOB.party, 1))
    result = begin(contract(inner), now=T0, escrow=(Allocation(ALICE.party, 1),))
    assert result.transfers[0].condition == tagged_hash("x", b"c")


def test_bad_arguments_raise_typed_errors() -> None:
    c = seed()
    state = begin(c, now=T0).state
    with pytest.raises(InvalidArgument):
        step(lottery_contract(Fraction(1)), state, None, now=T0)
    with pytest.raises(InvalidArgument):
        step(c, state, None, now=-1)
    with pytest.raises(InvalidArgument):
        step(c, state, make_claim(c, WANT), now=T0)  # signed evidence needs a domain
    with pytest.raises(InvalidArgument):
        ContractState(c.id, c.terms, (Allocation(ALICE.party, 0),))


def test_state_round_trips_and_stays_small() -> None:
    c = verdict_contract()
    state = go(c, make_claim(c, WANT), T0 + 1).state
    assert decode(state.encoded, ContractState) == state
    assert len(state.encoded) < DEFAULT_MAX_SIZE


def test_nested_payments_in_a_both_under_a_claim_keep_the_condition() -> None:
    then = Both(Pay(ALICE.party, BOB.party, 1), When((Case(WANT, Close()),), T0 + 40))
    c = contract(When((Case(WANT, then),), T0 + 50))
    claim = make_claim(c, WANT)
    result = go(c, claim, T0 + 1)
    assert result.transfers == (Transfer(ALICE.party, BOB.party, 1, None, claim.id),)
    assert isinstance(result.state.terms, Claimed)
    assert isinstance(result.state.terms.then, When)
