"""All payments are bets: a market over one claim, a reasoner, reputation and a spot check.

Bob computes F(X) (a cheap parallel function, 4096 pieces) and claims Y. He backs his claim
in the claim's market: "100 to 1 that F(X) = Y". Alice lays it for 5 units; the match becomes a
bet contract both sign, and both stakes go into escrow. Charlie is offered a coin worth 2000
that rests on Bob's claim: the reasoner weighs Bob's record and the market's price, and says
whether to accept, discount, check or dispute, with the numbers. Vera, the market's arbiter,
spot-checks the claim with as many pieces as Bob's reputation calls for (the certificate states
the ε actually achieved), and her final ruling settles every bet in the market at once.

Run:  .venv/bin/python examples/bet_market.py
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from oddsproof.contracts import Computation, Runtime, Shape
from oddsproof.games import HonestSolver, ParallelComputation, certificate_ruling, spot_check
from oddsproof.games.lowlevel import code_digest
from oddsproof.ledger import MemoryLedger, Mint
from oddsproof.markets import (
    BetOrder,
    BetSide,
    BetTerms,
    CheckPolicy,
    ClaimMarket,
    Reputation,
    countersign,
    decide,
    fraud_probability,
)
from oddsproof.wire import Digest, Domain, Identity, Signed

DOMAIN = Domain("oddsproof-example")
NOW = 1_700_000_000
alice, bob, charlie, vera = (
    Identity.from_seed(name, bytes([n]) * 32)
    for n, name in enumerate(["alice", "bob", "charlie", "vera"], 1)
)


def pieces(data: bytes, index: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Piece i of F(X): two values depending on the input and i."""
    x = index.astype(np.float64) + len(data)
    return np.stack([np.sqrt(x), np.sin(x) * 0.5], axis=1)


F = ParallelComputation(
    Computation("wave", "1", code_digest(pieces), Shape.PARALLEL, 4096, 24), pieces
)
X = b"the input"


def main() -> None:
    ledger = MemoryLedger()
    ledger.apply_all([Mint(p.key, 10_000, p.name.encode()) for p in (alice, bob, charlie)])
    runtime = Runtime(ledger, DOMAIN)

    solver = HonestSolver(bob, F, X, domain=DOMAIN)
    claim = solver.solve(offer=Digest(b"\x0f" * 32), now=NOW)
    terms = BetTerms(claim.body.statement, (vera.party,), NOW + 3_600, 300, NOW + 86_400)
    market = ClaimMarket(terms, runtime)

    print("== the market over Bob's claim")
    back = Signed.create(
        BetOrder(terms.id, bob.party, BetSide.BACK, (100, 1), 1_000, NOW, NOW + 3_600, bytes(16)),
        DOMAIN,
        bob,
    )
    market.post(back, now=NOW + 1)
    lay = Signed.create(
        BetOrder(terms.id, alice.party, BetSide.LAY, (100, 1), 5, NOW, NOW + 600, bytes(16)),
        DOMAIN,
        alice,
    )
    posted = market.post(lay, now=NOW + 2)
    (pending,) = posted.pending
    for order, who in ((back, bob), (lay, alice)):
        market.sign(countersign(pending.contract, order, terms, who, DOMAIN), now=NOW + 3)
    print(
        f"Bob backs F(X) = Y at 100:1; Alice lays 5: bet {pending.contract.id.hex()[:12]}… opened,"
        f" escrow Bob {runtime.escrowed(pending.contract.id, bob.party)},"
        f" Alice {runtime.escrowed(pending.contract.id, alice.party)}"
    )
    quote = market.quote()
    print(
        f"best back price {quote.back.price if quote.back else None}: "
        f"the market puts P(claim false) at most {quote.fraud_high}"
    )

    print("\n== Charlie is offered a coin worth 2000 resting on the claim")
    reputation = Reputation()
    for t in range(120):  # Bob's history on this computation: 120 clean checks
        reputation.observe(bob.party, F.spec.id, passed=True, now=NOW - 10_000 + t)
    record = reputation.record(bob.party, F.spec.id)
    p = fraud_probability(record, market=Fraction(1, 101))
    decision = decide(
        value=2_000,
        fraud_probability=p,
        fraud_fraction=Fraction(1, 100),
        cost_per_check=Fraction(1, 50),
        dispute_cost=400,
        market_odds=(100, 1),
    )
    print(decision.explain())

    print("\n== Vera checks, as many pieces as Bob's record calls for")
    policy = CheckPolicy(Fraction(1, 10**9), Fraction(1, 100))
    planned = policy.checks(record, now=NOW + 10)
    print(
        f"full checking is k = {planned.full}; Bob's {record.checked} clean checks earn "
        f"k = {planned.k} ({planned.reason.value}), achieved ε = {float(planned.epsilon):.3g}"
    )
    challenge = planned.challenge(claim)
    result = spot_check(
        claim,
        solver.commitment,
        challenge,
        solver.respond(challenge),
        computation=F,
        data=X,
        verifier=vera,
        domain=DOMAIN,
        now=NOW + 20,
    )
    certificate = result.certificate.body
    print(
        f"certificate: {certificate.outcome.value}, k = {certificate.challenge.k}, "
        f"ε = {float(certificate.challenge.epsilon_value):.3g}, f = "
        f"{certificate.challenge.fraud_fraction_value}"
    )
    reputation.observe_certificate(result.certificate, claim, domain=DOMAIN)

    print("\n== Vera's final ruling settles every bet on the statement")
    ruling = certificate_ruling(result.certificate, vera, final=True)
    resolution = market.resolve(ruling, now=NOW + 30)
    for settled in resolution.settled:
        print(f"bet {settled.contract.hex()[:12]}…: {settled.outcome.value}")
    print(f"balances: Bob {ledger.balance(bob.key)}, Alice {ledger.balance(alice.key)}")
    print(f"value conserved: {ledger.totals().conserved}")


if __name__ == "__main__":
    main()
