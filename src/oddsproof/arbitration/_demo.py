"""``oddsproof demo``: the story of a paid computation, told step by step."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from oddsproof.contracts import (
    Case,
    Claim,
    Computation,
    Contract,
    Domain,
    Identity,
    Send,
    Shape,
    Signed,
    Supplies,
    When,
    decode,
)
from oddsproof.games import code_digest, input_id

from ._cli import EXIT_OK, Output, add_json_flag


def register(sub: Any) -> None:
    """Add ``demo`` to the subcommand table."""
    demo = sub.add_parser(
        "demo",
        help="tell the story of a paid computation, step by step",
        description="Run the whole story with fixed keys: Alice offers a coin for a "
        "computation, Bob computes and claims it, Charlie checks the claim.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof demo
              oddsproof demo --json"""
        ),
    )
    add_json_flag(demo)
    demo.set_defaults(handler=_demo)


def _demo(_args: argparse.Namespace, out: Output) -> int:
    domain = Domain("oddsproof-demo")
    alice = Identity.from_seed("alice", b"\x01" * 32)
    bob = Identity.from_seed("bob", b"\x02" * 32)
    steps: list[dict[str, Any]] = []

    def tell(step: str, **facts: Any) -> None:
        steps.append({"step": step, **facts})
        out.text(f"• {step}")
        for key, value in facts.items():
            out.text(f"    {key}: {value}")

    ray = Computation("ray", "1", code_digest(_demo), Shape.PARALLEL, 1 << 20, 16)
    scene = b"three spheres on a plane"
    offer = Signed.create(
        Contract(
            parties=(alice.party,),
            terms=When(
                (
                    Case(
                        Supplies(bob.party, ray.id, input_id(scene)),
                        Send("coin3423", alice.party, bob.party),
                    ),
                ),
                deadline=3_600,
            ),
            nonce=b"\x00" * 16,
        ),
        domain,
        alice,
    )
    tell(
        "Alice offers coin3423 to whoever supplies Y = F(X)",
        offer=offer.id.hex()[:16],
        computation=f"{ray.name} v{ray.version}, {ray.size} pieces",
    )
    claim = Signed.create(
        Claim(
            offer=offer.id,
            claimant=bob.party,
            computation=ray.id,
            input=input_id(scene),
            output=input_id(b"the rendered image"),
            precision=16,
            trace=None,
            issued=60,
        ),
        domain,
        bob,
    )
    tell("Bob computes Y and signs a claim binding #Y to the offer", claim=claim.id.hex()[:16])
    received: Signed[Claim] = decode(claim.encoded, Signed)
    body = received.verify(domain, signers=[bob.party])
    tell(
        "Charlie checks the claim's signature and its binding to the offer",
        signed_by=body.claimant.name,
        answers_offer=body.offer == offer.id,
    )
    out.json({"steps": steps})
    return EXIT_OK
