"""The seed contract of the essay, as one readable expression, run from offer to third party.

    Alice -> { if (Bob -> { this, #Y } : Y = F(X)) then Alice -> { send(coin3423, Bob) } }

Alice offers coin3423 to whoever of Bob supplies Y with Y = F(X); Bob computes Y and signs a
claim binding its hash to the offer; the contract pays him the coin, conditionally on the claim;
Bob passes the coin to Charlie, who checks the whole chain without recomputing anything.

Run:  .venv/bin/python examples/seed_contract.py [--write offer.cbor]
then: .venv/bin/oddsproof analyze offer.cbor
"""

from __future__ import annotations

import argparse
from pathlib import Path

from oddsproof.contracts import (
    Computation,
    Function,
    Shape,
    analyze,
    check_chain,
    check_claim,
    roles,
    start,
    step,
    when,
)
from oddsproof.ledger import Transfer
from oddsproof.wire import Domain, Identity, tagged_hash

DOMAIN = Domain("oddsproof-example")
NOW = 1_700_000_000
HOUR = 3600


def short(digest: object) -> str:
    """The first hex digits of an id, enough to tell ids apart on screen."""
    return f"{str(digest)[:12]}…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="FILE", help="write Alice's signed offer here")
    args = parser.parse_args()

    alice, bob, charlie = (
        Identity.from_seed(name, bytes([n]) * 32)
        for n, name in enumerate(["alice", "bob", "charlie"], 1)
    )
    Alice, Bob, Charlie = roles(alice, bob, charlie)
    ray_trace = Computation(
        "ray-trace", "1", tagged_hash("example/code", b"tracer"), Shape.PARALLEL, 1920 * 1080, 24
    )
    F = Function(ray_trace)
    X = tagged_hash("example/input", b"scene.obj")  # the input's id
    Y = tagged_hash("example/output", b"image.exr")  # the output's id, once Bob has computed it

    # The seed contract, as one expression.
    offer = Alice.offers(
        when(Bob.supplies(F(X)), by=NOW + HOUR).then(Alice.sends("coin3423", to=Bob)),
        created=NOW,
        nonce=bytes(16),
    )

    print("== the analysis")
    print(analyze(offer).text())

    signed_offer = Alice.sign(offer, DOMAIN)
    if args.write:
        Path(args.write).write_bytes(signed_offer.encoded)
        print(f"\nwrote the signed offer to {args.write}")

    print("\n== escrow before promise: Alice locks coin3423 as she signs")
    opened = start(
        signed_offer, domain=DOMAIN, balances={}, coins={"coin3423": Alice.party}, now=NOW
    )
    print(f"escrowed: {[(a.party.name, a.amount, a.coins) for a in opened.state.escrow]}")

    print("\n== Bob computes Y = F(X) and claims the coin")
    claim = Bob.sign(Bob.claims(F(X).equals(Y), offer=offer, now=NOW + 600), DOMAIN)
    paid = step(offer, opened.state, claim, now=NOW + 601, domain=DOMAIN)
    for t in paid.transfers:
        print(
            f"{t.payer.name} -> {t.payee.name}: {t.coin}, conditional on claim {short(t.condition)}"
        )
    print(f"contract closed: {paid.state.closed}")

    print("\n== Bob passes the coin to Charlie; Charlie checks without recomputing F")
    passed = Bob.sign(Transfer(Bob.party, Charlie.party, 0, "coin3423", claim.id), DOMAIN)
    checked = check_claim(claim, signed_offer, DOMAIN, now=NOW + 601)
    chain = check_chain(signed_offer, claim, [passed], DOMAIN, coin="coin3423", now=NOW + 601)
    print(f"claim by {checked.claimant.name} for offer {short(checked.offer)} holds")
    print(
        f"coin3423 is held by {chain.holder.name}, conditionally on claim {short(chain.condition)}"
    )


if __name__ == "__main__":
    main()
