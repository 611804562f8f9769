"""Parallel overhead: what spot-checking a ray-traced image costs next to rendering it.

The workload is the package's numpy ray tracer (``oddsproof.games.ray_tracer``) on the demo
scene: one pixel per piece, 16 jittered samples per pixel, soft shadows, two mirror bounces. At
N = 2**20 pixels (1024 × 1024; quick mode 512 × 512 = 2**18), ε = 1e-9, f = 0.01:

- compute: the honest solver renders all N pixels;
- commit: quantize the N × 3 outputs, hash ⌈N / c⌉ chunk leaves, build the tree;
- open: the solver's multi-proof of the challenged chunks;
- verify: derive the k = plan(1e-9, 0.01) = 2062 indices from the seed, hash the opened chunks
  and check the multi-proof, recompute the 2062 pixels, compare, sign the certificate.

``parallel_overhead`` = (commit + open + verify) / compute, goal ≤ 0.01. (The issue's formula
counts commit and verify; the solver's opening is included too because somebody pays for it.)
Beside it, ``full_recompute`` is the time of a second full render (what checking by replication
costs) over the first, 1.0 by definition and measured here (the spread is the machine's noise),
with the second image compared bit for bit to the first. Compute is the faster of the two
renders and commit, open and verify the fastest of five runs each: on two cores shared with
other work, single timings vary by tens of percent, and taking the best of each side keeps that
noise out of the ratio.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from _harness import Result, timed
from oddsproof.games import commit_output, nonce_challenge, plan, sign_claim, spot_check
from oddsproof.testing import demo_scene, ray_tracer
from oddsproof.wire import Digest, Domain, Identity

EPSILON = 1e-9
FRAUD_FRACTION = 0.01
REPEATS = 5


def _best_seconds(fn: Callable[[], object]) -> float:
    """The fastest of a few runs: the same rule as the compute base (the faster render), so
    load from other processes on the shared machine inflates neither side."""
    return min(timed(fn) for _ in range(REPEATS))


def run(quick: bool) -> list[Result]:
    side = 512 if quick else 1024
    scene = demo_scene(side, side, samples=16, bounces=2)
    computation = ray_tracer(scene)
    data = scene.to_bytes()
    domain = Domain("bench")
    bob = Identity.from_seed("bob", b"\x02" * 32)
    charlie = Identity.from_seed("charlie", b"\x03" * 32)
    computation.evaluate(data, range(1 << 15))  # warm code paths and the allocator first

    start = time.perf_counter()
    rows = computation.evaluate(data)
    compute = time.perf_counter() - start

    committed = commit_output(computation, rows)
    commit = _best_seconds(lambda: commit_output(computation, rows))
    claim = sign_claim(
        committed,
        computation,
        data,
        claimant=bob,
        offer=Digest(b"\x0f" * 32),
        domain=domain,
        now=1,
    )
    challenge = nonce_challenge(claim, epsilon=EPSILON, fraud_fraction=FRAUD_FRACTION)
    opening = committed.open(challenge)
    open_time = _best_seconds(lambda: committed.open(challenge))

    def check() -> object:  # the verifier's whole move: indices, proof, recompute, certificate
        result = spot_check(
            claim,
            committed.commitment,
            challenge,
            opening,
            computation=computation,
            data=data,
            verifier=charlie,
            domain=domain,
            now=2,
        )
        assert result.passed
        return result

    verify_time = _best_seconds(check)
    derive_time = _best_seconds(lambda: challenge.indices(committed.commitment))

    start = time.perf_counter()
    again = computation.evaluate(data)
    recompute = time.perf_counter() - start
    identical = computation.piece_bytes(again) == committed.data

    # Both renders do the same work; the faster one is the fairer (and the larger-ratio) base.
    base = min(compute, recompute)
    overhead = (commit + open_time + verify_time) / base
    k = plan(EPSILON, FRAUD_FRACTION)
    c = committed.commitment
    return [
        Result(
            "parallel_overhead",
            overhead,
            "fraction",
            0.01,
            "lower",
            {
                "full_recompute": round(recompute / compute, 3),
                "renders_s": [round(compute, 2), round(recompute, 2)],
                "pieces": c.pieces,
                "chunk": c.chunk,
                "leaves": c.leaves,
                "k": k,
                "compute_s": round(base, 2),
                "commit_fraction": round(commit / base, 5),
                "open_fraction": round(open_time / base, 5),
                "verify_fraction": round(verify_time / base, 5),
                "index_derivation_s": round(derive_time, 4),
                "opening_bytes": len(opening.encoded),
                "recompute_identical": identical,
                "samples_per_pixel": scene.samples,
            },
        )
    ]
