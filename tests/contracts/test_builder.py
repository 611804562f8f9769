"""The builder: the two seed examples are single expressions that build exactly the terms they
mean, and the examples in ``examples/`` run."""

from __future__ import annotations

import runpy
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.contracts import (
    Agreed,
    Application,
    Bet,
    Both,
    Case,
    Claim,
    Close,
    Computation,
    Contract,
    Function,
    Pay,
    Role,
    Send,
    Seq,
    Shape,
    Statement,
    Supplies,
    Verdict,
    When,
    agreed,
    analyze,
    both,
    failed,
    lottery,
    roles,
    seq,
    upheld,
    when,
)
from oddsproof.errors import InvalidArgument
from oddsproof.wire import Domain, decode, tagged_hash
from tests.strategies import IDENTITIES, terms

alice, bob, charlie, judge = IDENTITIES[0], IDENTITIES[1], IDENTITIES[2], IDENTITIES[4]
Alice, Bob, Charlie, Judge = roles(alice, bob, charlie, judge)
RAY = Computation("ray", "1", tagged_hash("t", b"code"), Shape.PARALLEL, 100, 24)
F = Function(RAY)
X = tagged_hash("t", b"input")
Y = tagged_hash("t", b"output")
DEADLINE = 5000
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_seed_contract_is_one_expression() -> None:
    offer = Alice.offers(
        when(Bob.supplies(F(X)), by=DEADLINE).then(Alice.sends("coin3423", to=Bob)),
        nonce=bytes(16),
    )
    expected = Contract(
        (alice.party, bob.party),
        When(
            (Case(Supplies(bob.party, RAY.id, X), Send("coin3423", alice.party, bob.party)),),
            DEADLINE,
            Close(),
        ),
        nonce=bytes(16),
    )
    assert offer == expected
    assert analyze(offer).sound


def test_the_odds_bet_is_one_expression() -> None:
    bet = Bob.offers(
        Bob.bets(100, to=1, against=Alice, that=F(X).equals(Y), by=DEADLINE),
        arbiters=[Judge],
        nonce=bytes(16),
    )
    statement = Statement(RAY.id, X, Y, RAY.precision)
    assert bet.terms == Bet(bob.party, alice.party, statement, 100, 1, DEADLINE)
    assert bet.parties == (bob.party, alice.party)
    assert bet.arbiters == (judge.party,)
    assert isinstance(bet.terms, Bet)
    assert bet.terms.odds == 100


def test_applications_and_statements() -> None:
    application = F(X)
    assert application == Application(RAY, X)
    statement = application.equals(Y)
    assert (statement.computation, statement.input, statement.output) == (RAY.id, X, Y)
    assert statement.precision == 24
    with pytest.raises(InvalidArgument):
        F(b"not a digest")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        application.equals("y")  # type: ignore[arg-type]


def test_waits_with_several_cases_and_an_otherwise() -> None:
    wait = (
        when(Bob.supplies(F(X)), by=100)
        .then(Alice.pays(5, to=Bob))
        .or_when(agreed(Alice, Bob))
        .then(Close())
        .otherwise(Alice.pays(1, to=Charlie))
    )
    assert wait == When(
        (
            Case(Supplies(bob.party, RAY.id, X), Pay(alice.party, bob.party, 5)),
            Case(Agreed((alice.party, bob.party)), Close()),
        ),
        100,
        Pay(alice.party, charlie.party, 1),
    )
    offer = Alice.offers(wait, nonce=bytes(16))
    assert offer.parties == (alice.party, bob.party, charlie.party)


def test_verdicts_lotteries_and_combinators() -> None:
    statement = F(X).equals(Y)
    assert upheld() == Verdict(None, True)
    assert failed(statement) == Verdict(statement.id, False)
    assert upheld(statement.id) == Verdict(statement.id, True)
    pays = [Alice.pays(n, to=Bob) for n in (1, 2, 3)]
    assert both(*pays) == Both(pays[0], Both(pays[1], pays[2]))
    assert seq(*pays) == Seq(pays[0], Seq(pays[1], pays[2]))
    ticket = when(lottery(9, Fraction(1)), by=50).then(Alice.pays(1, to=Bob))
    assert isinstance(seq(ticket, Close()), Seq)


@given(st.lists(terms, min_size=2, max_size=5))
def test_seq_and_both_nest_to_the_right(parts: list[object]) -> None:
    built = seq(*parts)  # type: ignore[arg-type]
    for part in parts[:-1]:
        assert isinstance(built, Seq)
        assert built.first == part
        built = built.then
    assert built == parts[-1]


def test_misuse_is_a_typed_error() -> None:
    with pytest.raises(InvalidArgument):
        when(Bob.supplies(F(X)), by=1).otherwise(Close())
    with pytest.raises(InvalidArgument):
        when(Bob.supplies(F(X)), by=1).then(Close()).then(Close())
    with pytest.raises(InvalidArgument):
        when(Bob.supplies(F(X)), by=1).or_when(upheld())
    with pytest.raises(InvalidArgument):
        when("nonsense", by=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        Alice.offers("nonsense")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        both(Close())
    with pytest.raises(InvalidArgument):
        seq()
    with pytest.raises(InvalidArgument):
        Role(alice.party).sign(Close(), Domain("x"))
    with pytest.raises(InvalidArgument):
        Bob.supplies(RAY)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        Bob.bets(1, to=1, against=Alice, that=Y, by=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        Role(42)  # type: ignore[arg-type]


def test_claims_and_signatures() -> None:
    offer = Alice.offers(when(Bob.supplies(F(X)), by=DEADLINE).then(Close()), nonce=bytes(16))
    claim = Bob.claims(F(X).equals(Y), offer=offer, now=7)
    assert claim == Claim(offer.id, bob.party, RAY.id, X, Y, 24, None, 7)
    signed = Bob.sign(claim, Domain("x"))
    assert signed.verify(Domain("x"), signers=[bob.party]) == claim
    both_signed = Alice.cosign(Bob.sign(offer, Domain("x")))
    assert set(both_signed.signers) == {alice.key, bob.key}
    assert Bob.claims(F(X).equals(Y), offer=offer.id, now=7) == claim
    assert Role.of(Bob) is Bob
    assert Role.of(alice.party).identity is None
    assert Bob.name == "bob"
    with pytest.raises(InvalidArgument):
        Bob.claims(F(X), offer=offer, now=7)  # type: ignore[arg-type]


def test_built_contracts_round_trip() -> None:
    offer = Alice.offers(
        when(Bob.supplies(F(X)), by=DEADLINE)
        .then(both(Alice.pays(3, to=Bob), when(upheld(), by=DEADLINE - 10).then(Close())))
        .otherwise(Close()),
        arbiters=[Judge],
        beacon=Judge,
        delta=10,
    )
    assert decode(offer.encoded, Contract) == offer
    assert offer.beacon == judge.key
    assert analyze(offer).sound


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("seed_contract.py", "coin3423 is held by charlie"),
        ("odds_bet.py", "bob->alice 100"),
    ],
)
def test_the_examples_run(
    script: str, expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", [script])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    out = capsys.readouterr().out
    assert expected in out
    assert "SOUND" in out
