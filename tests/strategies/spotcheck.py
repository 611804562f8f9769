"""Toy parallel computations, solvers and spot-check games."""

from __future__ import annotations

from fractions import Fraction

# --- spot checks ---
import numpy as np
from hypothesis import strategies as st

from oddsproof.contracts import (
    Computation,
    Shape,
)
from oddsproof.games import (
    Challenge,
    FraudProof,
    HonestSolver,
    Opening,
    OutputCommitment,
    ParallelComputation,
    ParallelSolver,
    SpotCheckCertificate,
    SpotCheckResult,
    nonce_challenge,
    plan,
    spot_check,
)
from oddsproof.games.lowlevel import code_digest
from oddsproof.testing import (
    ChunkSwappingSolver,
    FakingSolver,
    ProofForgingSolver,
    SizeLyingSolver,
    WithholdingSolver,
)
from oddsproof.wire import INT_LIMIT, Digest, Domain

from .values import IDENTITIES, beacon_rounds, digests, objects_by_kind


def _toy_pieces(data: bytes, indices: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Two cheap values per piece, depending on the input and the index."""
    base = float(len(data) % 251 + 1)
    x = indices.astype(np.float64)
    return np.stack([np.sqrt(x + base), (x * 0.37 + base) / 3.0], axis=1)


def toy_computation(size: int, *, precision: int = 16) -> ParallelComputation:
    """A cheap parallel computation of ``size`` pieces (two values each) for game tests."""
    spec = Computation("toy", "1", code_digest(_toy_pieces), Shape.PARALLEL, size, precision)
    return ParallelComputation(spec, _toy_pieces)


TOY_INPUT = b"toy input"
SPOT_DOMAIN = Domain("oddsproof-test")
SOLVER, VERIFIER = IDENTITIES[1], IDENTITIES[2]  # bob solves, charlie checks
OFFER = Digest(b"\x0f" * 32)

CHEATERS = (
    "faking",
    "forge-leaf",
    "forge-sibling",
    "swap",
    "short-tree",
    "short-count",
    "withhold",
)


def make_solver(
    kind: str, size: int, *, fraction: float = 0.5, seed: int = 0, chunk: int | None = None
) -> ParallelSolver:
    """A solver of the toy computation: ``"honest"`` or one of :data:`CHEATERS`."""
    computation = toy_computation(size)
    common = {"domain": SPOT_DOMAIN, "chunk": chunk}
    args = (SOLVER, computation, TOY_INPUT)
    fake = {"fraction": fraction, "seed": seed, **common}
    if kind == "honest":
        return HonestSolver(*args, **common)  # type: ignore[arg-type]
    if kind == "faking":
        return FakingSolver(*args, **fake)  # type: ignore[arg-type]
    if kind in ("forge-leaf", "forge-sibling"):
        forge = kind.removeprefix("forge-")
        return ProofForgingSolver(*args, forge=forge, **fake)  # type: ignore[arg-type]
    if kind == "swap":
        return ChunkSwappingSolver(*args, **fake)  # type: ignore[arg-type]
    if kind in ("short-tree", "short-count"):
        return SizeLyingSolver(*args, mode=kind, **common)  # type: ignore[arg-type]
    if kind == "withhold":
        return WithholdingSolver(*args, **fake)  # type: ignore[arg-type]
    raise ValueError(kind)


def play(solver: ParallelSolver, **challenge: object) -> SpotCheckResult:
    """Run one whole game: solve, challenge (a nonce challenge with ``challenge`` arguments, by
    default ε = 1e-9 and f = 0.5), respond, check."""
    claim = solver.solve(offer=OFFER, now=100)
    arguments: dict[str, object] = {"epsilon": Fraction(1, 10**9), "fraud_fraction": Fraction(1, 2)}
    arguments.update(challenge)
    asked = nonce_challenge(claim, **arguments)  # type: ignore[arg-type]
    return spot_check(
        claim,
        solver.commitment,
        asked,
        solver.respond(asked),
        computation=solver.computation,
        data=solver.data,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=200,
    )


output_commitments = st.builds(
    OutputCommitment,
    root=digests,
    pieces=st.integers(1, INT_LIMIT - 1),
    chunk=st.integers(1, 64),
    row_bytes=st.integers(1, 4096),
    precision=st.integers(0, 64),
)
spot_fractions = st.fractions(
    min_value=Fraction(1, 100), max_value=Fraction(99, 100), max_denominator=10**6
)
spot_epsilons = st.fractions(
    min_value=Fraction(1, 10**12), max_value=Fraction(99, 100), max_denominator=10**12
)


@st.composite
def spot_challenges(draw: st.DrawFn, claim: Digest | None = None) -> Challenge:
    """Structurally valid challenges (nonce or beacon), ``k`` at least ``plan(ε, f)``."""
    eps, f = draw(spot_epsilons), draw(spot_fractions)
    k = plan(float(eps), float(f)) + draw(st.integers(0, 3))
    use_beacon = draw(st.booleans())
    return Challenge(
        draw(digests) if claim is None else claim,
        (eps.numerator, eps.denominator),
        (f.numerator, f.denominator),
        k,
        None if use_beacon else draw(st.binary(min_size=32, max_size=32)),
        draw(beacon_rounds()) if use_beacon else None,
    )


@st.composite
def spot_games(draw: st.DrawFn, kinds: tuple[str, ...] = ("honest", *CHEATERS)) -> SpotCheckResult:
    """The result of one whole game of the toy computation with a solver of ``kinds``."""
    kind = draw(st.sampled_from(kinds))
    size = draw(st.integers(2, 300))
    chunk = draw(st.integers(1, 16).map(lambda c: min(c, size)))
    solver = make_solver(
        kind,
        size,
        fraction=draw(st.sampled_from([0.3, 1.0])),
        seed=draw(st.integers(0, 99)),
        chunk=chunk,
    )
    nonce = draw(st.binary(min_size=32, max_size=32))
    return play(solver, fraud_fraction=draw(spot_fractions), nonce=nonce)


spot_certificates = spot_games().map(lambda g: g.certificate.body)
fraud_proofs = (
    spot_games(("faking",)).filter(lambda g: g.fraud_proof is not None).map(lambda g: g.fraud_proof)
)


@st.composite
def openings(draw: st.DrawFn) -> Opening:
    """Openings of real toy commitments for random challenges."""
    size = draw(st.integers(1, 200))
    solver = make_solver("honest", size, chunk=min(size, draw(st.integers(1, 8))))
    solver.solve(offer=OFFER, now=1)
    return solver.committed.open(draw(spot_challenges(solver.claim.id)))


objects_by_kind.update(
    {
        OutputCommitment: output_commitments,
        Challenge: spot_challenges(),
        Opening: openings(),
        SpotCheckCertificate: spot_certificates,
        FraudProof: fraud_proofs,  # type: ignore[dict-item]
    }
)
