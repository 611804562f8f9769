"""Every payment can be a bet: "Bob bets 100 to Alice's 1 that F(X) = Y", as one expression.

Both stakes are escrowed when both sign; a final ruling of the named judge pays the winner, and
the deadline refunds both. The step function is pure, so the three endings are run side by side
from the same state.

Run:  .venv/bin/python examples/odds_bet.py
"""

from __future__ import annotations

from oddsproof.contracts import (
    Computation,
    Function,
    Ruling,
    Shape,
    advance,
    analyze,
    roles,
    start,
    step,
)
from oddsproof.wire import Domain, Identity, tagged_hash

DOMAIN = Domain("oddsproof-example")
NOW = 1_700_000_000
DAY = 86_400


def main() -> None:
    alice, bob, judge = (
        Identity.from_seed(name, bytes([n]) * 32)
        for n, name in enumerate(["alice", "bob", "judge"], 1)
    )
    Alice, Bob, Judge = roles(alice, bob, judge)
    F = Function(
        Computation(
            "matmul-chain", "1", tagged_hash("example/code", b"matmul"), Shape.SERIAL, 10_000, 32
        )
    )
    X = tagged_hash("example/input", b"weights")
    Y = tagged_hash("example/output", b"activations")

    # "Bob bets 100 to Alice's 1 that F(X) = Y", as one expression.
    bet = Bob.offers(
        Bob.bets(100, to=1, against=Alice, that=F(X).equals(Y), by=NOW + DAY),
        arbiters=[Judge],
        created=NOW,
        nonce=bytes(16),
    )

    report = analyze(bet)
    print("== the analysis")
    print(report.text())
    bob_risk = next(e.amount for e in report.exposures if e.party.key == Bob.party.key)
    print(f"\nBob risks {bob_risk} to win 1: a false claim costs him 100 times what it earns.")

    offer = Alice.cosign(Bob.sign(bet, DOMAIN))
    opened = start(offer, domain=DOMAIN, balances={Alice.party: 10, Bob.party: 500}, now=NOW)
    print(f"\n== both stakes escrowed: {[(a.party.name, a.amount) for a in opened.state.escrow]}")

    statement = F(X).equals(Y)
    for upheld in (True, False):
        ruling = Ruling(
            statement.id,
            upheld,
            None,
            bet.id,
            tagged_hash("example/evidence", b"spot checks"),
            0,
            True,
            NOW + 3600,
        )
        ending = step(bet, opened.state, Judge.sign(ruling, DOMAIN), now=NOW + 3601, domain=DOMAIN)
        moves = ", ".join(
            f"{t.payer.name}->{t.payee.name} {t.amount}"
            if t.payer != t.payee
            else f"refund {t.payee.name} {t.amount}"
            for t in ending.transfers
        )
        print(f"judge rules F(X) {'=' if upheld else '!='} Y: {moves}")
    timeout = advance(bet, opened.state, now=NOW + DAY)
    print(
        "no final ruling by the deadline: "
        + ", ".join(f"refund {t.payee.name} {t.amount}" for t in timeout.transfers)
    )


if __name__ == "__main__":
    main()
