"""Static analysis: it passes sound contracts, flags broken ones with the offending path, and
its figures agree with the paths it lists."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oddsproof.contracts import (
    FOREVER,
    Agreed,
    Allocation,
    Bet,
    Both,
    Case,
    Check,
    Claimed,
    Close,
    Contract,
    Pay,
    Send,
    Seq,
    Severity,
    Supplies,
    Term,
    Verdict,
    When,
    analyze,
    lottery,
    requirements,
)
from oddsproof.errors import InvalidArgument
from oddsproof.wire import tagged_hash
from tests.strategies import (
    ARBITERS,
    BEACON,
    COMPUTATION_IDS,
    GENERATED_STATEMENTS,
    IDENTITIES,
    INPUT_IDS,
    contracts,
    sound_contracts,
)

ALICE, BOB, CAROL, DAVE = (i.party for i in IDENTITIES[:4])
WANT = Supplies(BOB, COMPUTATION_IDS[0], INPUT_IDS[0])
T0 = 1000


def contract(terms: Term, **kw: object) -> Contract:
    options: dict[str, object] = {
        "arbiters": (ARBITERS[0].party,),
        "beacon": BEACON.key,
        "created": T0,
        "nonce": bytes(16),
    }
    options.update(kw)
    return Contract((ALICE, BOB, CAROL), terms, **options)  # type: ignore[arg-type]


def checks(c: Contract, **kw: object) -> list[Check]:
    return [f.check for f in analyze(c, **kw).findings]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Sound contracts


def test_the_seed_contract_is_sound_with_two_paths() -> None:
    c = contract(When((Case(WANT, Send("coin3423", ALICE, BOB)),), T0 + 3600))
    report = analyze(c)
    assert report.sound
    assert not report.findings
    assert report.requirements == (Allocation(ALICE, 0, ("coin3423",)),)
    assert report.path_count == 2
    assert report.max_steps == 1
    assert report.ends_by == T0 + 3600
    assert [p.where for p in report.paths] == [
        "when@0 case 0 → send coin3423 alice→bob",
        "when@0 timeout",
    ]
    exposure = {e.party.name: (e.amount, e.coins) for e in report.exposures}
    assert exposure == {"alice": (0, ("coin3423",)), "bob": (0, ())}
    assert "SOUND" in report.text()
    assert report.to_json()["sound"] is True


def test_the_odds_bet_escrows_both_stakes_and_bounds_each_loss() -> None:
    c = contract(Bet(BOB, ALICE, GENERATED_STATEMENTS[0], 100, 1, T0 + 60))
    report = analyze(c)
    assert report.sound
    assert {a.party.name: a.amount for a in report.requirements} == {"alice": 1, "bob": 100}
    assert {e.party.name: e.amount for e in report.exposures} == {"alice": 1, "bob": 100}
    assert [p.where for p in report.paths] == [
        "bet@0 upheld → pay alice→bob 1",
        "bet@0 failed → pay bob→alice 100",
        "bet@0 timeout",
    ]


@settings(max_examples=150)
@given(sound_contracts())
def test_generated_sound_contracts_pass(c: Contract) -> None:
    report = analyze(c)
    assert report.sound, report.text()


@settings(max_examples=150)
@given(sound_contracts())
def test_figures_agree_with_the_listed_paths(c: Contract) -> None:
    """Requirements, exposures and the path count are computed compositionally; here they are
    recomputed from the explicit listing of every path."""
    report = analyze(c, max_paths=5000)
    assume(len(report.paths) == report.path_count)
    names = {p.name: p.key.raw for p in c.parties}
    out: Counter[bytes] = Counter()
    loss: Counter[bytes] = Counter()
    for path in report.paths:
        paid: Counter[bytes] = Counter()
        net: Counter[bytes] = Counter()
        for label in path.steps:
            if label.startswith("pay "):
                who, amount = label[4:].rsplit(" ", 1)
                payer, payee = (names[n] for n in who.split("→"))
                paid[payer] += int(amount)
                net[payer] += int(amount)
                net[payee] -= int(amount)
        for key, value in paid.items():
            out[key] = max(out[key], value)
        for key, value in net.items():
            loss[key] = max(loss[key], value)
        escrow_in = sum(a.amount for a in report.escrow)
        assert sum(t.amount for t in path.transfers) == escrow_in  # payouts + refunds
    assert {a.party.key.raw: a.amount for a in report.requirements if a.amount} == {
        k: v for k, v in out.items() if v
    }
    assert {e.party.key.raw: e.amount for e in report.exposures if e.amount} == {
        k: v for k, v in loss.items() if v > 0
    }


# ---------------------------------------------------------------------------------------------
# Broken contracts are flagged with the offending path


def test_a_payer_who_is_no_party_goes_negative() -> None:
    c = contract(When((Case(WANT, Both(Pay(ALICE, BOB, 5), Pay(DAVE, BOB, 2))),), T0 + 60))
    report = analyze(c)
    assert not report.sound
    (finding,) = report.errors
    assert finding.check is Check.NEGATIVE_BALANCE
    assert finding.severity is Severity.ERROR
    assert (
        finding.where == "when@0 case 0 → both.left → pay alice→bob 5 → both.right → pay dave→bob 2"
    )
    assert "dave" in finding.message
    assert "-2" in finding.message


@settings(max_examples=100)
@given(sound_contracts(), st.data())
def test_escrow_short_by_one_is_flagged_on_the_path_that_needs_it(
    c: Contract, data: st.DataObject
) -> None:
    """Negative control for the property above: shave one unit off one party's escrow."""
    needs = [a for a in requirements(c) if a.amount]
    assume(needs)
    victim = data.draw(st.sampled_from(needs))
    escrow = [attrs.evolve(a, amount=a.amount - 1) if a == victim else a for a in requirements(c)]
    report = analyze(c, escrow=escrow)
    negative = [f for f in report.errors if f.check is Check.NEGATIVE_BALANCE]
    assert len(negative) == 1
    assert victim.party.name in negative[0].message
    path = negative[0].path
    paid = sum(int(s.rsplit(" ", 1)[1]) for s in path if s.startswith(f"pay {victim.party.name}→"))
    assert paid == victim.amount  # the path shown is one that pays the whole requirement


def test_deadlines_must_nest_by_delta() -> None:
    inner = When((Case(Verdict(None, True), Pay(ALICE, BOB, 1)),), T0 + 95)
    c = contract(When((Case(WANT, Seq(Close(), inner)),), T0 + 100), delta=10)
    report = analyze(c)
    (finding,) = report.errors
    assert finding.check is Check.DEADLINE_NESTING
    assert finding.where == "when@0 case 0 → when@1"
    assert analyze(c, delta=5).sound
    assert not analyze(c, delta=6).sound


@settings(max_examples=100)
@given(sound_contracts(), st.integers(0, 3))
def test_wrapping_in_a_too_early_parent_breaks_the_nesting(c: Contract, slack: int) -> None:
    report = analyze(c)
    assume(report.waits > 0)
    outer = When((Case(Agreed((c.parties[0],)), c.terms),), report.ends_by + c.delta - 1 - slack)
    wrapped = attrs.evolve(c, terms=outer)
    assert Check.DEADLINE_NESTING in [f.check for f in analyze(wrapped).errors]
    ok = attrs.evolve(c, terms=attrs.evolve(outer, deadline=report.ends_by + c.delta))
    assert analyze(ok).sound


def test_a_wait_without_a_deadline_is_refused() -> None:
    c = contract(When((Case(WANT, Pay(ALICE, BOB, 1)),), FOREVER))
    report = analyze(c)
    assert [f.check for f in report.errors] == [Check.NO_DEADLINE]
    assert report.errors[0].where == "when@0"
    bounded = contract(When((Case(WANT, Pay(ALICE, BOB, 1)),), T0 + 7200))
    assert analyze(bounded).sound
    assert checks(bounded, horizon=3600) == [Check.NO_DEADLINE]
    assert checks(bounded, horizon=7200) == []


def test_a_coin_sent_twice_or_by_two_owners_is_not_conserved() -> None:
    twice = contract(
        Seq(Send("c", ALICE, BOB), When((Case(WANT, Send("c", ALICE, CAROL)),), T0 + 9))
    )
    report = analyze(twice)
    (finding,) = report.errors
    assert finding.check is Check.NOT_CONSERVED
    assert finding.where == "send c alice→bob → when@0 case 0 → send c alice→charlie"
    either = contract(When((Case(WANT, Send("c", ALICE, BOB)),), T0 + 9, Send("c", ALICE, CAROL)))
    assert analyze(either).sound  # alternatives, not one path
    owners = contract(When((Case(WANT, Send("c", ALICE, BOB)),), T0 + 9, Send("c", BOB, CAROL)))
    assert Check.NOT_CONSERVED in checks(owners)


def test_runtime_terms_are_not_part_of_an_offer() -> None:
    marker = Claimed(tagged_hash("x", b"c"), tagged_hash("x", b"s"), Close())
    c = contract(Both(Pay(ALICE, BOB, 1), marker))
    assert checks(c) == [Check.FOREIGN_TERM]


def test_warnings_do_not_make_a_contract_unsound() -> None:
    verdict = When((Case(Verdict(None, True), Close()),), T0 + 9)
    report = analyze(contract(verdict))
    assert report.sound
    assert [f.check for f in report.findings] == [Check.UNMEETABLE]
    no_arbiter = analyze(contract(When((Case(WANT, verdict),), T0 + 20), arbiters=()))
    assert [f.check for f in no_arbiter.findings] == [Check.UNMEETABLE]
    no_beacon = analyze(
        contract(When((Case(lottery(1, Fraction(1, 2)), Close()),), T0 + 9), beacon=None)
    )
    assert [f.check for f in no_beacon.findings] == [Check.UNMEETABLE]
    dead = analyze(
        contract(When((Case(WANT, Close()),), T0 + 9, When((Case(WANT, Close()),), T0 + 5)))
    )
    assert [f.check for f in dead.findings] == [Check.DEAD_WAIT]
    assert dead.findings[0].where == "when@0 timeout → when@1"
    bet = analyze(contract(Bet(BOB, ALICE, GENERATED_STATEMENTS[0], 1, 1, T0 + 9), arbiters=()))
    assert [f.check for f in bet.findings] == [Check.UNMEETABLE]
    assert bet.sound


def test_the_step_bound_and_its_limit() -> None:
    inner = When((Case(WANT, Close()), Case(Verdict(None, True), Close())), T0 + 50)
    c = contract(
        Both(
            When((Case(WANT, inner),), T0 + 60),
            Bet(BOB, ALICE, GENERATED_STATEMENTS[0], 1, 1, T0 + 9),
        )
    )
    report = analyze(c)
    assert report.max_steps == 1 + 2 + 2
    assert checks(c, max_steps=5) == []
    assert checks(c, max_steps=4) == [Check.TOO_MANY_STEPS]


def test_amounts_beyond_the_encoding_are_reported() -> None:
    big = (1 << 62) + 1
    c = contract(Both(Pay(ALICE, BOB, big), Pay(ALICE, BOB, big)))
    assert Check.AMOUNT_OVERFLOW in checks(c)


def test_paths_are_counted_exactly_and_listed_up_to_the_limit() -> None:
    w = When((Case(WANT, Close()), Case(Verdict(None, True), Close())), T0 + 9)
    c = contract(Both(w, Both(w, Both(w, w))))
    report = analyze(c, max_paths=10)
    assert report.path_count == 3**4
    assert len(report.paths) == 10
    assert "first 10 of 81" in report.text()
    assert report.waits == 4


def test_wide_contracts_are_analysed_without_listing_every_path() -> None:
    ticket = When((Case(lottery(1, Fraction(1, 100)), Pay(ALICE, BOB, 1)),), T0 + 9)
    terms: Term = ticket
    for _ in range(8):  # a balanced tree of 256 lottery tickets side by side
        terms = Both(terms, terms)
    report = analyze(contract(terms))
    assert report.sound
    assert report.path_count == 2**256
    assert len(report.paths) == 256
    assert report.requirements == (Allocation(ALICE, 256),)
    assert report.max_steps == 256


def test_bad_arguments() -> None:
    c = contract(Close())
    with pytest.raises(InvalidArgument):
        analyze("not a contract")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        analyze(c, delta=-1)
    with pytest.raises(InvalidArgument):
        analyze(c, max_paths=-1)
    with pytest.raises(InvalidArgument):
        analyze(c, escrow=[Allocation(ALICE, 1), Allocation(ALICE, 2)])
    deep: Term = Close()
    for _ in range(300):
        deep = Seq(Close(), deep)
    with pytest.raises(InvalidArgument):
        analyze(contract(deep))


@settings(max_examples=100)
@given(contracts)
def test_any_contract_is_analysed_without_raising(c: Contract) -> None:
    report = analyze(c)
    assert report.sound == (not report.errors)
    report.text()
    report.to_json()
