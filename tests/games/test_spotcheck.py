"""Spot checks: commitments, challenges, openings, certificates, rulings and fraud proofs."""

from __future__ import annotations

import hashlib
import math
import random
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import BeaconRound, Claim, Ruling, beacon_message
from oddsproof.errors import EncodingError, InvalidArgument, Refused
from oddsproof.games import (
    Challenge,
    CommittedOutput,
    FraudProof,
    HonestSolver,
    InclusionProof,
    MerkleTree,
    Opening,
    OutputCommitment,
    ParallelSolver,
    SpotCheckOutcome,
    SpotCheckResult,
    beacon_challenge,
    certificate_ruling,
    check_certificate,
    check_fraud_proof,
    commit_output,
    nonce_challenge,
    plan,
    sign_claim,
    spot_check,
)
from oddsproof.games._spotcheck import MAX_CHUNK_BYTES
from oddsproof.games.lowlevel import choose_chunk, sample_indices
from oddsproof.testing import FakingSolver
from oddsproof.wire import Digest, Domain, Identity, Signed, decode, tagged_hash
from tests.strategies import (
    BEACON,
    CHEATERS,
    IDENTITIES,
    OFFER,
    SOLVER,
    SPOT_DOMAIN,
    TOY_INPUT,
    VERIFIER,
    make_solver,
    play,
    spot_challenges,
    spot_epsilons,
    spot_fractions,
    spot_games,
    toy_computation,
)

NONCE = b"\x05" * 32


def _round(number: int, beacon: Identity = BEACON) -> BeaconRound:
    return BeaconRound(beacon.key, number, beacon.sign_digest(beacon_message(beacon.key, number)))


def _solved(kind: str = "honest", size: int = 100, **kwargs: Any) -> ParallelSolver:
    solver = make_solver(kind, size, **kwargs)
    solver.solve(offer=OFFER, now=100)
    return solver


def _check(
    solver: ParallelSolver, challenge: Challenge, opening: Opening | None
) -> SpotCheckResult:
    return spot_check(
        solver.claim,
        solver.commitment,
        challenge,
        opening,
        computation=solver.computation,
        data=TOY_INPUT,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=200,
    )


# --- commitments ------------------------------------------------------------------------------


def test_choose_chunk_makes_kilobyte_leaves() -> None:
    assert choose_chunk(1 << 20, 24) == 64
    assert choose_chunk(1 << 20, 1024) == 1
    assert choose_chunk(1 << 20, 5000) == 1
    assert choose_chunk(10, 24) == 10
    assert choose_chunk(1 << 20, 1, target=1 << 30) * 1 <= MAX_CHUNK_BYTES
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InvalidArgument):
            choose_chunk(bad, 24)


def test_commitment_layout() -> None:
    c = OutputCommitment(Digest(b"\x01" * 32), 10, 4, 16, 16)
    assert c.leaves == 3
    assert [c.leaf_of(i) for i in (0, 3, 4, 9)] == [0, 0, 1, 2]
    assert c.leaf_pieces(2) == range(8, 10)
    assert c.leaf_size(2) == 32
    assert c.leaf_size(0) == 64
    assert c.piece_slice(5) == slice(16, 32)


@pytest.mark.parametrize(
    "fields",
    [
        {"pieces": 0},
        {"chunk": 0},
        {"row_bytes": 0},
        {"precision": 65},
        {"chunk": 2, "row_bytes": MAX_CHUNK_BYTES},
        {"pieces": True},
    ],
)
def test_commitment_validators(fields: dict[str, object]) -> None:
    values: dict[str, object] = {
        "root": Digest(b"\x01" * 32),
        "pieces": 10,
        "chunk": 4,
        "row_bytes": 16,
        "precision": 16,
    }
    values.update(fields)
    with pytest.raises(InvalidArgument):
        OutputCommitment(**values)


def test_commit_output_matches_an_independent_tree() -> None:
    computation = toy_computation(37)
    rows = computation.evaluate(TOY_INPUT)
    committed = commit_output(computation, rows, chunk=5)
    data = computation.piece_bytes(rows)
    assert committed.data == data
    width = 5 * committed.commitment.row_bytes
    chunks = [data[i : i + width] for i in range(0, len(data), width)]
    assert committed.commitment.root == MerkleTree.from_chunks(chunks).root
    assert committed.commitment.leaves == 8
    assert committed.commitment.row_bytes == 16  # two float64 values
    assert committed.chunk_bytes(7) == chunks[7]


def test_commit_output_refuses_bad_rows() -> None:
    computation = toy_computation(10)
    with pytest.raises(InvalidArgument):
        commit_output(computation, np.zeros((9, 2)))
    with pytest.raises(InvalidArgument):
        commit_output(computation, np.full((10, 2), np.nan))
    with pytest.raises(InvalidArgument):
        commit_output(computation, np.zeros((10, 2)), chunk=11)
    with pytest.raises(InvalidArgument):
        commit_output("not a computation", np.zeros((10, 2)))


def test_sign_claim_names_the_commitment() -> None:
    computation = toy_computation(10)
    committed = commit_output(computation, computation.evaluate(TOY_INPUT))
    claim = sign_claim(
        committed,
        computation,
        TOY_INPUT,
        claimant=SOLVER,
        offer=OFFER,
        domain=SPOT_DOMAIN,
        now=5,
    )
    assert claim.body.output == committed.commitment.id
    assert claim.body.computation == computation.spec.id
    assert claim.verify(SPOT_DOMAIN, signers=[SOLVER.party]) is claim.body
    with pytest.raises(InvalidArgument):
        sign_claim(
            committed,
            toy_computation(11),
            TOY_INPUT,
            claimant=SOLVER,
            offer=OFFER,
            domain=SPOT_DOMAIN,
            now=5,
        )


# --- index derivation -------------------------------------------------------------------------


def _reference_indices(seed: bytes, k: int, pieces: int) -> list[int]:
    """Independent implementation of the documented derivation."""
    tag = hashlib.sha256(b"oddsproof/spot-check-index/v1").digest()
    limit = 2**64 - 2**64 % pieces
    out: list[int] = []
    j = 0
    while len(out) < k:
        x = int.from_bytes(hashlib.sha256(tag + tag + seed + j.to_bytes(8, "big")).digest()[:8])
        j += 1
        if x < limit:
            out.append(x % pieces)
    return out


@pytest.mark.parametrize("pieces", [1, 2, 3, 1000, 2**20, 3 * 2**61, 2**63 - 1])
def test_sample_indices_follow_the_documented_derivation(pieces: int) -> None:
    seed = Digest(hashlib.sha256(b"seed").digest())
    assert list(sample_indices(seed, 300, pieces)) == _reference_indices(seed.raw, 300, pieces)


def test_sample_indices_reject_instead_of_reducing() -> None:
    # With N = 3 * 2**61, the largest multiple of N below 2**64 is 2N: a quarter of the 64-bit
    # draws are rejected. The derivation must skip them; reducing them modulo N would put more
    # mass on the low third of the pieces.
    pieces = 3 * 2**61
    seed = Digest(b"\x07" * 32)
    tag = hashlib.sha256(b"oddsproof/spot-check-index/v1").digest()
    raw = [
        int.from_bytes(hashlib.sha256(tag + tag + seed.raw + j.to_bytes(8, "big")).digest()[:8])
        for j in range(200)
    ]
    kept = [x % pieces for x in raw if x < 2 * pieces]
    assert len(kept) < 180
    assert list(sample_indices(seed, len(kept), pieces)) == kept


def test_sample_indices_are_uniform() -> None:
    # 40 000 draws over 10 cells: chi-square with 9 degrees of freedom stays below 27.9
    # (p = 0.001) for a uniform sampler.
    counts = np.bincount(sample_indices(Digest(b"\x09" * 32), 40_000, 10), minlength=10)
    chi2 = float(((counts - 4000) ** 2 / 4000).sum())
    assert chi2 < 27.9


def test_sample_indices_validate() -> None:
    seed = Digest(b"\x01" * 32)
    with pytest.raises(InvalidArgument):
        sample_indices(seed, -1, 10)
    with pytest.raises(InvalidArgument):
        sample_indices(seed, 3, 0)
    with pytest.raises(InvalidArgument):
        sample_indices(b"\x01" * 32, 3, 10)
    assert sample_indices(seed, 0, 10) == ()


# --- challenges -------------------------------------------------------------------------------


def test_nonce_challenge_states_exact_ratios_and_plan() -> None:
    solver = _solved()
    challenge = nonce_challenge(solver.claim, epsilon=1e-9, fraud_fraction=0.01, nonce=NONCE)
    assert challenge.epsilon == (1, 10**9)
    assert challenge.fraud_fraction == (1, 100)
    assert challenge.k == plan(1e-9, 0.01) == 2062
    assert challenge.claim == solver.claim.id
    expected = tagged_hash("oddsproof/spot-check-seed/v1", challenge.claim.raw, b"\x00", NONCE)
    assert challenge.seed == expected
    assert decode(challenge.encoded) == challenge
    more = nonce_challenge(
        solver.claim,
        epsilon="1/1000000000",
        fraud_fraction=Fraction(1, 100),
        nonce=NONCE,
        k=3000,
    )
    assert more.k == 3000
    with pytest.raises(InvalidArgument):
        nonce_challenge(solver.claim, epsilon=1e-9, fraud_fraction=0.01, k=2061)


def test_fresh_nonces_differ() -> None:
    solver = _solved()
    a = nonce_challenge(solver.claim, epsilon=0.5, fraud_fraction=0.5)
    b = nonce_challenge(solver.claim, epsilon=0.5, fraud_fraction=0.5)
    assert a.nonce != b.nonce


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "x", None, float("nan"), Fraction(1, 1)])
def test_challenge_refuses_bad_probabilities(bad: object) -> None:
    solver = _solved()
    with pytest.raises(InvalidArgument):
        nonce_challenge(solver.claim, epsilon=bad, fraud_fraction=0.1)
    with pytest.raises(InvalidArgument):
        nonce_challenge(solver.claim, epsilon=0.1, fraud_fraction=bad)


def test_challenge_validators() -> None:
    claim = Digest(b"\x01" * 32)
    good = Challenge(claim, (1, 2), (1, 2), 1, NONCE, None)
    with pytest.raises(InvalidArgument):
        attrs.evolve(good, nonce=None)  # no source
    with pytest.raises(InvalidArgument):
        attrs.evolve(good, beacon=_round(3))  # two sources
    for ratio in [(2, 4), (0, 1), (1, 1), (3, 2), (1,), (1, True)]:
        with pytest.raises(InvalidArgument):
            attrs.evolve(good, epsilon=ratio)
    with pytest.raises(InvalidArgument):
        attrs.evolve(good, nonce=b"short")
    with pytest.raises(InvalidArgument):
        attrs.evolve(good, k=0)


def test_beacon_challenge_needs_a_round_published_after_the_claim_was_held() -> None:
    solver = _solved()
    claim = solver.claim
    rnd = _round(42)
    challenge = beacon_challenge(
        claim, rnd, received=150, published=151, epsilon=0.001, fraud_fraction=0.1
    )
    assert challenge.beacon == rnd
    assert challenge.nonce is None
    assert challenge.seed == tagged_hash(
        "oddsproof/spot-check-seed/v1",
        claim.id.raw,
        b"\x01",
        BEACON.key.raw,
        (42).to_bytes(8, "big"),
        rnd.randomness.raw,
    )
    with pytest.raises(Refused, match="published"):
        beacon_challenge(claim, rnd, received=150, published=150, epsilon=0.5, fraud_fraction=0.5)
    # The claim says it was issued at 100; a round published at 99 was known by then.
    with pytest.raises(Refused, match="published"):
        beacon_challenge(claim, rnd, received=50, published=99, epsilon=0.5, fraud_fraction=0.5)
    forged = BeaconRound(BEACON.key, 42, b"\x00" * 64)
    with pytest.raises(InvalidArgument, match="verify"):
        beacon_challenge(
            claim, forged, received=150, published=151, epsilon=0.5, fraud_fraction=0.5
        )
    with pytest.raises(InvalidArgument, match="another beacon"):
        beacon_challenge(
            claim,
            rnd,
            received=150,
            published=151,
            epsilon=0.5,
            fraud_fraction=0.5,
            beacon=IDENTITIES[0].key,
        )


def test_beacon_game_passes_for_the_honest_solver() -> None:
    solver = _solved()
    challenge = beacon_challenge(
        solver.claim,
        _round(7),
        received=150,
        published=200,
        epsilon=1e-6,
        fraud_fraction=0.1,
    )
    result = _check(solver, challenge, solver.respond(challenge))
    assert result.passed
    check_certificate(result.certificate, SPOT_DOMAIN)


def test_the_seed_binds_the_claim() -> None:
    a, b = _solved(), _solved(size=101)
    ca = nonce_challenge(a.claim, epsilon=0.5, fraud_fraction=0.5, nonce=NONCE)
    cb = nonce_challenge(b.claim, epsilon=0.5, fraud_fraction=0.5, nonce=NONCE)
    assert ca.seed != cb.seed


# --- whole games ------------------------------------------------------------------------------


def test_honest_game_certificate_and_ruling() -> None:
    solver = _solved(size=1000, chunk=8)
    result = play(solver, epsilon=1e-9, fraud_fraction=0.01, nonce=NONCE)
    assert result.passed
    assert result.fraud_proof is None
    cert = check_certificate(result.certificate, SPOT_DOMAIN, verifier=VERIFIER.party)
    assert cert.outcome is SpotCheckOutcome.PASS
    assert len(cert.indices) == cert.challenge.k == 2062
    assert cert.statement == solver.claim.body.statement.id
    assert cert.commitment.chunk == 8
    assert "one of 1000 pieces" in cert.covers
    again = decode(result.certificate.encoded, Signed)
    assert again == result.certificate
    ruling = certificate_ruling(result.certificate, VERIFIER)
    body = ruling.verify(SPOT_DOMAIN, signers=[VERIFIER.party])
    assert isinstance(body, Ruling)
    assert body.upheld
    assert not body.final
    assert body.level == 0
    assert body.evidence == cert.id
    assert body.claim == cert.claim
    assert body.statement == cert.statement
    final = certificate_ruling(
        result.certificate, VERIFIER, level=2, final=True, contract=OFFER, now=999
    ).body
    assert final.final
    assert final.level == 2
    assert final.contract == OFFER
    assert final.issued == 999


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("faking", SpotCheckOutcome.WRONG_VALUE),
        ("forge-leaf", SpotCheckOutcome.BAD_OPENING),
        ("forge-sibling", SpotCheckOutcome.BAD_OPENING),
        ("swap", SpotCheckOutcome.BAD_OPENING),
        ("short-tree", SpotCheckOutcome.BAD_OPENING),
        ("short-count", SpotCheckOutcome.BAD_COMMITMENT),
        ("withhold", SpotCheckOutcome.NO_OPENING),
    ],
)
def test_every_cheater_loses(kind: str, outcome: SpotCheckOutcome) -> None:
    assert kind in CHEATERS
    solver = make_solver(kind, 500, fraction=0.5, chunk=4)
    # k = plan(1e-9, 1/2) = 30 draws: a cheater faking half the pieces passes with p < 1e-9.
    result = play(solver, nonce=NONCE)
    cert = check_certificate(result.certificate, SPOT_DOMAIN)
    assert cert.outcome is outcome
    assert not result.passed
    assert (result.fraud_proof is not None) == (outcome is SpotCheckOutcome.WRONG_VALUE)
    ruling = certificate_ruling(result.certificate, VERIFIER).body
    assert not ruling.upheld
    if result.fraud_proof is not None:
        assert cert.failed_index == result.fraud_proof.piece
        assert cert.fraud_proof == result.fraud_proof.id
        assert solver.is_faked(cert.failed_index)
        check_fraud_proof(result.fraud_proof, solver.computation, TOY_INPUT, domain=SPOT_DOMAIN)


def test_cheaters_save_work_and_honest_solver_does_all() -> None:
    honest = _solved(size=200)
    faker = _solved("faking", size=200, fraction=0.25)
    liar = _solved("short-tree", size=200)
    assert honest.computed == 200
    assert faker.computed == 150
    assert liar.computed == 100


@settings(max_examples=40)
@given(
    size=st.integers(1, 400),
    chunk=st.integers(1, 40),
    nonce=st.binary(min_size=32, max_size=32),
    eps=spot_epsilons,
    f=spot_fractions,
    extra=st.integers(0, 50),
)
def test_the_honest_solver_never_loses(
    size: int, chunk: int, nonce: bytes, eps: Fraction, f: Fraction, extra: int
) -> None:
    """Whatever challenge the verifier picks (nonce, ε, f, any k above the plan)."""
    solver = make_solver("honest", size, chunk=min(chunk, size))
    k = plan(float(eps), float(f)) + extra
    result = play(solver, epsilon=eps, fraud_fraction=f, nonce=nonce, k=k)
    assert result.passed
    assert check_certificate(result.certificate, SPOT_DOMAIN).outcome is SpotCheckOutcome.PASS


@settings(max_examples=25)
@given(
    challenge=spot_challenges(),
    size=st.integers(1, 300),
    chunk=st.integers(1, 16),
    received=st.integers(0, 10**6),
)
def test_the_honest_solver_passes_beacon_and_structural_challenges(
    challenge: Challenge, size: int, chunk: int, received: int
) -> None:
    solver = _solved(size=size, chunk=min(chunk, size))
    asked = attrs.evolve(challenge, claim=solver.claim.id)
    result = _check(solver, asked, solver.respond(asked))
    assert result.passed


@settings(max_examples=30)
@given(spot_games())
def test_every_game_certificate_checks_and_round_trips(result: SpotCheckResult) -> None:
    signed = result.certificate
    cert = check_certificate(signed, SPOT_DOMAIN)
    assert decode(signed.encoded, Signed) == signed
    ruling = certificate_ruling(signed, VERIFIER).body
    assert ruling.upheld == cert.passed
    proof = result.fraud_proof
    if proof is not None:
        assert decode(proof.encoded, FraudProof) == proof


# --- soundness, measured ----------------------------------------------------------------------


def _wilson(passes: int, runs: int, z: float) -> tuple[float, float]:
    p = passes / runs
    centre = (p + z * z / (2 * runs)) / (1 + z * z / runs)
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / (1 + z * z / runs)
    return centre - half, centre + half


Z_999 = 3.2905  # two-sided 99.9 %: a correct formula fails one run in a thousand


@pytest.mark.parametrize(
    ("fraction", "epsilon", "k"),
    [(Fraction(1, 5), Fraction(3, 5), 3), (Fraction(1, 20), Fraction(1, 2), 14)],
)
def test_soundness_pass_rate_matches_the_binomial_bound(
    fraction: Fraction, epsilon: Fraction, k: int
) -> None:
    """Invariant 6, measured. 3000 seeded games against solvers faking exactly a fraction f of
    1000 pieces (a new faked subset every 100 games, chunks of 8), each with a fresh seeded
    nonce and k = plan(ε, f) checks. The observed pass rate must lie in the 99.9 % Wilson
    interval around it, which contains (1 − f)^k: 0.512 (±0.030) for f = 1/5, k = 3 and 0.488
    for f = 1/20, k = 14. A wrong exponent fails the first case (0.8^2 = 0.64, 0.8^4 = 0.41),
    as would sampling that ignored the faked pieces or always hit them.
    """
    assert plan(float(epsilon), float(fraction)) == k
    expected = float((1 - fraction) ** k)
    rng = random.Random(20_260_521 + k)
    runs, passes = 3000, 0
    solver: FakingSolver | None = None
    for game in range(runs):
        if game % 100 == 0:
            solver = make_solver("faking", 1000, fraction=float(fraction), seed=game, chunk=8)
            assert len(solver.faked) == round(1000 * fraction)
            solver.solve(offer=OFFER, now=100)
        assert solver is not None
        challenge = nonce_challenge(
            solver.claim, epsilon=epsilon, fraud_fraction=fraction, nonce=rng.randbytes(32)
        )
        passes += _check(solver, challenge, solver.respond(challenge)).passed
    low, high = _wilson(passes, runs, Z_999)
    assert low <= expected <= high, (passes / runs, expected, (low, high))


# --- openings that do not match ---------------------------------------------------------------


def test_opening_for_another_claim_or_other_leaves_fails() -> None:
    solver = _solved(size=64, chunk=4)
    challenge = nonce_challenge(solver.claim, epsilon=1e-3, fraud_fraction=0.2, nonce=NONCE)
    good = solver.respond(challenge)
    assert _check(solver, challenge, good).passed
    other = attrs.evolve(good, claim=Digest(b"\x01" * 32))
    assert _check(solver, challenge, other).certificate.body.outcome is SpotCheckOutcome.BAD_OPENING
    tree: MerkleTree = solver.committed.tree
    leaves = list(good.proof.indices)
    extra = sorted({*leaves, next(i for i in range(16) if i not in leaves)})
    bigger = Opening(
        good.claim,
        tuple(solver.committed.chunk_bytes(i) for i in extra),
        tree.prove_many(extra),
    )
    assert (
        _check(solver, challenge, bigger).certificate.body.outcome is SpotCheckOutcome.BAD_OPENING
    )
    fewer = Opening(
        good.claim,
        tuple(solver.committed.chunk_bytes(i) for i in leaves[1:]),
        tree.prove_many(leaves[1:]),
    )
    assert _check(solver, challenge, fewer).certificate.body.outcome is SpotCheckOutcome.BAD_OPENING


def test_a_committed_malformed_chunk_is_fraud() -> None:
    """A solver that commits a leaf of the wrong length loses with a fraud proof, and the proof
    needs no recomputation."""
    computation = toy_computation(8)
    rows = computation.evaluate(TOY_INPUT)
    honest = commit_output(computation, rows, chunk=2)
    data = honest.data[:-1]  # the last leaf is one byte short
    width = 2 * honest.commitment.row_bytes
    tree = MerkleTree.from_chunks([data[i : i + width] for i in range(0, len(data), width)])
    commitment = attrs.evolve(honest.commitment, root=tree.root)
    committed = CommittedOutput(commitment, data, tree)
    claim = sign_claim(
        committed,
        computation,
        TOY_INPUT,
        claimant=SOLVER,
        offer=OFFER,
        domain=SPOT_DOMAIN,
        now=1,
    )
    # k = 40 draws over 8 pieces: piece 6 or 7 is drawn with overwhelming probability.
    challenge = nonce_challenge(claim, epsilon=1e-9, fraud_fraction=0.5, k=40, nonce=NONCE)
    result = spot_check(
        claim,
        commitment,
        challenge,
        committed.open(challenge),
        computation=computation,
        data=TOY_INPUT,
        verifier=VERIFIER,
        domain=SPOT_DOMAIN,
        now=2,
    )
    assert result.certificate.body.outcome is SpotCheckOutcome.WRONG_VALUE
    assert result.fraud_proof is not None
    assert result.certificate.body.failed_index in (6, 7)
    check_fraud_proof(result.fraud_proof, computation, TOY_INPUT, domain=SPOT_DOMAIN)


# --- the verifier's preconditions -------------------------------------------------------------


def test_spot_check_refuses_mismatched_inputs() -> None:
    solver = _solved(size=50)
    claim = solver.claim
    challenge = nonce_challenge(claim, epsilon=0.01, fraud_fraction=0.1, nonce=NONCE)
    opening = solver.respond(challenge)
    base = {
        "computation": solver.computation,
        "data": TOY_INPUT,
        "verifier": VERIFIER,
        "domain": SPOT_DOMAIN,
        "now": 1,
    }
    commitment = solver.commitment
    cases: list[tuple[tuple[object, ...], dict[str, object], str]] = [
        ((claim, commitment, challenge, opening), {"data": b"other"}, "another input"),
        ((claim, commitment, challenge, opening), {"computation": toy_computation(51)}, "another"),
        ((claim, commitment, challenge, opening), {"domain": Domain("elsewhere")}, "signature"),
        (
            (claim, attrs.evolve(commitment, chunk=3), challenge, opening),
            {},
            "not the one the claim names",
        ),
        (
            (claim, commitment, attrs.evolve(challenge, claim=OFFER), opening),
            {},
            "not for this claim",
        ),
        ((claim.body, commitment, challenge, opening), {}, "signed Claim"),
    ]
    for args, changes, message in cases:
        with pytest.raises(InvalidArgument, match=message):
            spot_check(*args, **{**base, **changes})
    stranger = Signed.create(claim.body, SPOT_DOMAIN, IDENTITIES[4])
    with pytest.raises(InvalidArgument, match="claimant"):
        spot_check(stranger, commitment, challenge, opening, **base)


# --- certificates -----------------------------------------------------------------------------


def test_tampered_certificates_are_refused() -> None:
    result = play(_solved(size=100), nonce=NONCE)
    signed = result.certificate
    cert = signed.body
    resigned = Signed.create(
        attrs.evolve(cert, indices=tuple(reversed(cert.indices))), SPOT_DOMAIN, VERIFIER
    )
    with pytest.raises((Refused, InvalidArgument), match="indices"):
        check_certificate(resigned, SPOT_DOMAIN)
    with pytest.raises((Refused, InvalidArgument), match="signed"):
        check_certificate(Signed.create(cert, SPOT_DOMAIN, IDENTITIES[4]), SPOT_DOMAIN)
    with pytest.raises((Refused, InvalidArgument), match="another verifier"):
        check_certificate(signed, SPOT_DOMAIN, verifier=IDENTITIES[4].party)
    with pytest.raises((Refused, InvalidArgument)):
        check_certificate(signed, Domain("elsewhere"))
    with pytest.raises((Refused, InvalidArgument), match="signed"):
        certificate_ruling(signed, IDENTITIES[4])
    low_k = attrs.evolve(cert.challenge, k=1)
    with pytest.raises((Refused, InvalidArgument)):
        attrs.evolve(cert, challenge=low_k)  # seed still matches, but k indices do not
    forged = Signed.create(
        attrs.evolve(cert, challenge=low_k, indices=low_k.indices(cert.commitment)),
        SPOT_DOMAIN,
        VERIFIER,
    )
    with pytest.raises((Refused, InvalidArgument), match="plan"):
        check_certificate(forged, SPOT_DOMAIN)


def test_certificate_consistency_rules() -> None:
    cert = play(_solved("faking", size=100), nonce=NONCE).certificate.body
    assert cert.outcome is SpotCheckOutcome.WRONG_VALUE
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, fraud_proof=None)
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, outcome=SpotCheckOutcome.PASS)
    missing = next(i for i in range(100) if i not in cert.indices)
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, failed_index=missing)
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, seed=Digest(b"\x00" * 32))
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, claim=Digest(b"\x00" * 32))
    with pytest.raises(InvalidArgument):
        attrs.evolve(cert, reason="x" * 201)
    with pytest.raises(EncodingError):
        decode(cert.encoded[:-1])


# --- fraud proofs -----------------------------------------------------------------------------


def _fraud() -> tuple[FraudProof, ParallelSolver]:
    solver = make_solver("faking", 200, fraction=0.5, chunk=4)
    result = play(solver, nonce=NONCE)
    assert result.fraud_proof is not None
    return result.fraud_proof, solver


def test_fraud_proof_is_checked_by_recomputing_one_piece() -> None:
    proof, solver = _fraud()
    calls: list[int] = []
    computation = solver.computation

    def counting(data: bytes, indices: np.ndarray) -> np.ndarray:
        calls.append(len(indices))
        return computation.pieces(data, indices)

    watched = attrs.evolve(computation, pieces=counting)
    check_fraud_proof(proof, watched, TOY_INPUT, domain=SPOT_DOMAIN)
    assert calls == [1]
    assert decode(proof.encoded) == proof
    assert len(proof.encoded) < 2000


def test_fraud_proof_attacks_are_refused() -> None:
    proof, solver = _fraud()
    computation = solver.computation
    honest = make_solver("honest", 200, chunk=4)
    honest.solve(offer=OFFER, now=100)
    leaf = proof.commitment.leaf_of(proof.piece)
    true_chunk = honest.committed.chunk_bytes(leaf)

    def refused(candidate: FraudProof, message: str, **kwargs: object) -> None:
        with pytest.raises((Refused, InvalidArgument), match=message):
            check_fraud_proof(
                candidate,
                kwargs.get("computation", computation),
                kwargs.get("data", TOY_INPUT),
                domain=kwargs.get("domain", SPOT_DOMAIN),
            )

    # The true chunk does not hash to the committed leaf.
    refused(attrs.evolve(proof, chunk=true_chunk), "committed leaf")
    # An honest claim's correct piece is no fraud.
    honest_proof = FraudProof(
        honest.claim,
        honest.commitment,
        proof.piece,
        true_chunk,
        honest.committed.tree.prove(leaf),
    )
    refused(honest_proof, "no fraud")
    refused(proof, "another input", data=b"other input")
    refused(proof, "signature", domain=Domain("elsewhere"))
    stranger = Signed.create(proof.claim.body, SPOT_DOMAIN, IDENTITIES[4])
    refused(attrs.evolve(proof, claim=stranger), "claimant")
    tampered_path = InclusionProof(
        proof.proof.index,
        proof.proof.size,
        (Digest(b"\x00" * 32), *proof.proof.path[1:]),
    )
    refused(attrs.evolve(proof, proof=tampered_path), "committed leaf")
    with pytest.raises((Refused, InvalidArgument)):
        attrs.evolve(proof, piece=proof.piece + 4)  # another leaf than the path's
    with pytest.raises((Refused, InvalidArgument)):
        attrs.evolve(proof, piece=200)
    not_a_claim = Signed.create(
        OutputCommitment(Digest(b"\x01" * 32), 1, 1, 1, 0), SPOT_DOMAIN, SOLVER
    )
    with pytest.raises((Refused, InvalidArgument)):
        attrs.evolve(proof, claim=not_a_claim)
    with pytest.raises((Refused, InvalidArgument)):
        check_fraud_proof("proof", computation, TOY_INPUT, domain=SPOT_DOMAIN)


def test_bad_commitment_is_fraud_without_recomputing() -> None:
    solver = make_solver("short-count", 100)
    result = play(solver, nonce=NONCE)
    cert = result.certificate.body
    assert cert.outcome is SpotCheckOutcome.BAD_COMMITMENT
    assert cert.indices == ()
    assert "covers 50 pieces" in cert.reason


def test_claims_with_traces_are_not_spot_checked() -> None:
    from oddsproof.contracts import TraceCommitment  # noqa: PLC0415

    solver = _solved(size=10)
    body: Claim = solver.claim.body
    serial = Signed.create(
        attrs.evolve(body, trace=TraceCommitment(Digest(b"\x01" * 32), 4, 2)), SPOT_DOMAIN, SOLVER
    )
    challenge = nonce_challenge(serial, epsilon=0.5, fraud_fraction=0.5, nonce=NONCE)
    with pytest.raises(InvalidArgument, match="serial"):
        spot_check(
            serial,
            solver.commitment,
            challenge,
            None,
            computation=solver.computation,
            data=TOY_INPUT,
            verifier=VERIFIER,
            domain=SPOT_DOMAIN,
            now=1,
        )


def test_solvers_validate_their_arguments() -> None:
    computation = toy_computation(10)
    with pytest.raises(InvalidArgument):
        HonestSolver("bob", computation, TOY_INPUT, domain=SPOT_DOMAIN)
    with pytest.raises(InvalidArgument):
        FakingSolver(SOLVER, computation, TOY_INPUT, domain=SPOT_DOMAIN, fraction=0.0)
    with pytest.raises(InvalidArgument):
        FakingSolver(SOLVER, computation, TOY_INPUT, domain=SPOT_DOMAIN, fraction=1.5)
    with pytest.raises(InvalidArgument):
        make_solver("honest", 10).claim
    faker = FakingSolver(SOLVER, computation, TOY_INPUT, domain=SPOT_DOMAIN, fraction=1.0)
    faker.solve(offer=OFFER, now=0)
    assert faker.computed == 0
    assert len(faker.faked) == 10


def test_a_failing_computation_is_a_typed_error() -> None:
    solver = _solved(size=20)
    challenge = nonce_challenge(solver.claim, epsilon=0.01, fraud_fraction=0.1, nonce=NONCE)

    def broken(_data: bytes, indices: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        raise ZeroDivisionError("boom")

    computation = attrs.evolve(solver.computation, pieces=broken)
    with pytest.raises(InvalidArgument, match="boom"):
        spot_check(
            solver.claim,
            solver.commitment,
            challenge,
            solver.respond(challenge),
            computation=computation,
            data=TOY_INPUT,
            verifier=VERIFIER,
            domain=SPOT_DOMAIN,
            now=1,
        )
