"""Alice hires Bob to render an image; Charlie spot-checks it; a cheating Bob is caught.

Alice offers a coin for rendering a scene (320 × 240 pixels, 16 samples per pixel: one pixel per
piece). Bob renders it, commits a Merkle root over the pixel colours (64 pixels per leaf) and
signs a claim naming the commitment. Charlie, who holds the claim, draws a nonce, asks Bob to
open k = plan(1e-9, 0.01) = 2062 random pixels, recomputes just those and signs a certificate,
which becomes a ruling the contract's arbitration ladder can use. Then a second Bob skips 5 % of
the pixels: Charlie's check fails at a faked pixel and yields a fraud proof that Dave, who was
not involved, checks by rendering that one pixel.

Run: ``.venv/bin/python examples/raytrace_marketplace.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from oddsproof.contracts import Case, Contract, Send, Supplies, When
from oddsproof.games import (
    HonestSolver,
    ParallelSolver,
    SpotCheckResult,
    certificate_ruling,
    check_fraud_proof,
    input_id,
    nonce_challenge,
    spot_check,
)
from oddsproof.testing import FakingSolver, demo_scene, ray_tracer
from oddsproof.wire import Domain, Identity, Signed

DOMAIN = Domain("example-market")
ALICE = Identity.from_seed("alice", b"\x0a" * 32)
BOB = Identity.from_seed("bob", b"\x0b" * 32)
CHARLIE = Identity.from_seed("charlie", b"\x0c" * 32)

SCENE = demo_scene(320, 240, samples=16, bounces=2)
DATA = SCENE.to_bytes()
RAY = ray_tracer(SCENE)


def offer() -> Signed[Contract]:
    """Alice: "whoever supplies Y = F(X) for this scene gets coin3423"."""
    terms = When(
        (
            Case(
                Supplies(BOB.party, RAY.spec.id, input_id(DATA)),
                Send("coin3423", ALICE.party, BOB.party),
            ),
        ),
        deadline=3_600,
    )
    return Signed.create(Contract(parties=(ALICE.party,), terms=terms), DOMAIN, ALICE)


def check(solver: ParallelSolver, contract: Signed[Contract]) -> SpotCheckResult:
    """Bob solves and claims; Charlie challenges, Bob opens, Charlie checks and certifies."""
    start = time.perf_counter()
    claim = solver.solve(offer=contract.id, now=60)
    solved = time.perf_counter() - start
    # Charlie reveals his nonce only now, after holding Bob's signed claim.
    challenge = nonce_challenge(claim, epsilon=1e-9, fraud_fraction=0.01)
    opening = solver.respond(challenge)
    start = time.perf_counter()
    result = spot_check(
        claim,
        solver.commitment,
        challenge,
        opening,
        computation=RAY,
        data=DATA,
        verifier=CHARLIE,
        domain=DOMAIN,
        now=90,
    )
    checked = time.perf_counter() - start
    cert = result.certificate.body
    print(f"  Bob rendered {solver.computed} of {RAY.size} pixels and committed in {solved:.2f} s")
    print(f"  commitment root {cert.commitment.root.hex()[:16]}…: {cert.commitment.leaves} leaves")
    print(
        f"  Charlie checked k = {cert.challenge.k} pixels in {checked:.3f} s "
        f"(ε = 1/{cert.challenge.epsilon[1]:,}, f = 1/{cert.challenge.fraud_fraction[1]})"
    )
    print(f"  {cert.covers}")
    print(f"  outcome: {cert.outcome.value}" + (f" ({cert.reason})" if cert.reason else ""))
    return result


def main() -> None:
    contract = offer()
    size = f"{SCENE.width}×{SCENE.height}"
    print(f"Alice offers coin3423 for rendering {size} pixels ({RAY.size} pieces)")

    print("\nHonest Bob:")
    honest = check(HonestSolver(BOB, RAY, DATA, domain=DOMAIN), contract)
    ruling = certificate_ruling(honest.certificate, CHARLIE, contract=contract.id).body
    print(f"  Charlie's ruling: upheld={ruling.upheld}, level {ruling.level}, final={ruling.final}")

    print("\nBob skips 5% of the pixels and fills them with noise:")
    cheater = FakingSolver(BOB, RAY, DATA, domain=DOMAIN, fraction=0.05, seed=3)
    caught = check(cheater, contract)
    ruling = certificate_ruling(caught.certificate, CHARLIE, contract=contract.id).body
    print(f"  Charlie's ruling: upheld={ruling.upheld}")
    proof = caught.fraud_proof
    assert proof is not None
    start = time.perf_counter()
    check_fraud_proof(proof, RAY, DATA, domain=DOMAIN)  # Dave: one pixel, one audit path
    print(
        f"  Dave checks the fraud proof ({len(proof.encoded)} bytes) by rendering pixel "
        f"{proof.piece} alone: fraud confirmed in {time.perf_counter() - start:.3f} s"
    )

    folder = Path(tempfile.mkdtemp(prefix="oddsproof-"))
    (folder / "claim.cbor").write_bytes(cheater.claim.encoded)
    (folder / "scene.bin").write_bytes(DATA)
    (folder / "commitment.cbor").write_bytes(cheater.commitment.encoded)
    (folder / "image.bin").write_bytes(cheater.committed.data)
    print(f"\nThe cheater's files are in {folder}; check them from the command line:")
    print(
        f"  oddsproof verify {folder}/claim.cbor --workload raytrace --input {folder}/scene.bin "
        f"--commitment {folder}/commitment.cbor --output {folder}/image.bin"
    )


if __name__ == "__main__":
    main()
