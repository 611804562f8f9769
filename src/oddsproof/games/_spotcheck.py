"""Spot checks for parallel work: commit → challenge → open → recompute → certificate.

1. **Commit.** The solver quantizes every piece's output row, groups ``chunk`` consecutive
   pieces per Merkle leaf (leaf bytes = the chunk's output bytes), and builds an RFC 6962 tree.
   :class:`OutputCommitment` holds the root, the number of pieces N, the chunk size, the bytes per
   piece and the precision; its id is the claim's ``output``, so everything the verifier needs to
   interpret a proof comes from what the solver signed, never from the proof itself.
2. **Challenge.** A :class:`Challenge` fixes ε, f (exact rationals), ``k ≥ plan(ε, f)`` and a
   random value the solver could not know when committing: the verifier's nonce revealed after
   the claim, or a beacon round published after the verifier held the claim. The seed is the
   tagged hash of the claim id (which binds the commitment) and that value; ``k`` indices are
   drawn uniformly from [0, N) with replacement, by a tagged-hash counter with rejection
   sampling, so a solver faking a fraction f of pieces passes with probability exactly
   (1 − f)^k.
3. **Open.** The solver sends the chunks holding the drawn pieces and one multi-proof
   (:class:`Opening`).
4. **Recompute.** The verifier checks the multi-proof by hashing the opened chunks, recomputes
   only the drawn pieces (not whole chunks), and compares them with the opened bytes.
5. **Certificate.** The verifier signs a :class:`SpotCheckCertificate` stating ε, f, k, the seed,
   the indices and the outcome; :func:`certificate_ruling` turns it into a ``contracts.Ruling``.
   A wrong opened piece also yields a :class:`FraudProof` (the signed claim, one chunk and its
   audit path) that anyone checks with :func:`check_fraud_proof` by recomputing that one piece.

A checked index covers exactly one piece. Certificates and fraud proofs are made by
:func:`spot_check`, not by calling their constructors (the constructors exist for decoding).
"""

from __future__ import annotations

import enum
import hashlib
import math
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from oddsproof.contracts import BeaconRound, Claim, Ruling
from oddsproof.errors import (
    InvalidArgument,
    OddsproofError,
    Reason,
    Refused,
    SignatureError,
    WrongType,
)
from oddsproof.errors import _validators as v
from oddsproof.wire import (
    INT_LIMIT,
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    PublicKey,
    Signed,
    canonical,
    merkle_leaf_hash,
    tagged_hash,
)

from ._computation import ParallelComputation, input_id
from ._merkle import (
    InclusionProof,
    MerkleTree,
    MultiProof,
    split_multi_proof,
    verify_chunk,
    verify_many,
)
from ._planning import plan

SEED_TAG: Final = "oddsproof/spot-check-seed/v1"
INDEX_TAG: Final = "oddsproof/spot-check-index/v1"
NONCE_SIZE: Final = 32
MAX_CHUNK_BYTES: Final = 1 << 20
"""Largest leaf (chunk of outputs) a commitment may declare, so that one opening stays small."""
MAX_CHECKS: Final = 1 << 20
"""Largest k a challenge may ask for."""
LEAF_TARGET_BYTES: Final = 1024
""":func:`choose_chunk` makes leaves at least this large: hashing a leaf costs about as much as
hashing a kilobyte, so smaller leaves would make the tree, not the data, the cost of committing."""
MAX_REASON: Final = 200
_MAX_PRECISION: Final = 64  # the contracts layer's bound on a claim's precision

_U64: Final = 1 << 64


def _positive_int(limit: int) -> Callable[[Any, Any, Any], None]:
    def check(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not int or not 1 <= value < limit:
            raise InvalidArgument(f"{attr.name} must be an integer in [1, {limit}), got {value!r}")

    return check


def _precision(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not int or not 0 <= value <= _MAX_PRECISION:
        raise InvalidArgument(f"{attr.name} must be 0 to {_MAX_PRECISION} bits, got {value!r}")


_digest = attrs.validators.instance_of(Digest)


# ---------------------------------------------------------------------------------------------
# Commitment


@canonical("output-commitment")
@attrs.frozen
class OutputCommitment(Canonical):
    """What a solver commits to for parallel work; its id is the claim's ``output``.

    Leaf ``j`` of the RFC 6962 tree under ``root`` is the output bytes of pieces
    ``j * chunk`` to ``min((j + 1) * chunk, pieces) - 1``, ``row_bytes`` bytes per piece
    (quantized at ``precision`` bits, as ``ParallelComputation.piece_bytes`` makes them).
    """

    root: Digest = attrs.field(validator=_digest)
    pieces: int = attrs.field(validator=_positive_int(INT_LIMIT))
    chunk: int = attrs.field(validator=_positive_int(INT_LIMIT))
    row_bytes: int = attrs.field(validator=_positive_int(MAX_CHUNK_BYTES + 1))
    precision: int = attrs.field(validator=_precision)

    @row_bytes.validator
    def _check_leaf_size(self, _attr: object, value: int) -> None:
        if type(self.chunk) is int and self.chunk * value > MAX_CHUNK_BYTES:
            raise InvalidArgument(
                f"a leaf (chunk × row bytes) holds at most {MAX_CHUNK_BYTES} bytes"
            )

    @property
    def leaves(self) -> int:
        """Number of leaves of the tree: ⌈pieces / chunk⌉."""
        return -(-self.pieces // self.chunk)

    def leaf_of(self, piece: int) -> int:
        """The leaf holding ``piece``."""
        return piece // self.chunk

    def leaf_pieces(self, leaf: int) -> range:
        """The pieces leaf ``leaf`` holds."""
        return range(leaf * self.chunk, min((leaf + 1) * self.chunk, self.pieces))

    def leaf_size(self, leaf: int) -> int:
        """The exact byte length of leaf ``leaf`` (the last one may hold fewer pieces)."""
        return len(self.leaf_pieces(leaf)) * self.row_bytes

    def piece_slice(self, piece: int) -> slice:
        """Where ``piece``'s bytes sit inside its leaf."""
        start = (piece % self.chunk) * self.row_bytes
        return slice(start, start + self.row_bytes)


def choose_chunk(pieces: int, row_bytes: int, *, target: int = LEAF_TARGET_BYTES) -> int:
    """The pieces per leaf: the smallest power of two whose chunk holds ``target`` bytes, at
    most ``pieces`` and within :data:`MAX_CHUNK_BYTES`.

    Hashing a leaf costs a fixed ~1 µs plus ~0.7 ns per byte; at 1 KiB per leaf the fixed part
    is under half the cost, so committing costs about two hashes of the output bytes, and an
    opening sends at most ``target`` bytes per check (plus one row per piece).
    """
    for name, value in (("pieces", pieces), ("row_bytes", row_bytes), ("target", target)):
        if type(value) is not int or value < 1:
            raise InvalidArgument(f"{name} must be a positive integer, got {value!r}")
    if row_bytes > MAX_CHUNK_BYTES:
        raise InvalidArgument(f"a piece's output may hold at most {MAX_CHUNK_BYTES} bytes")
    chunk = 1
    while chunk * row_bytes < target and chunk * 2 * row_bytes <= MAX_CHUNK_BYTES:
        chunk *= 2
    return max(1, min(chunk, pieces))


class CommittedOutput:
    """The solver's side of a commitment: the output bytes, the tree and the commitment.

    Holds N × row_bytes output bytes and 64 bytes per leaf of tree, with no Python object per
    piece or node. Built by :func:`commit_output`.
    """

    __slots__ = ("_data", "_tree", "commitment")

    def __init__(self, commitment: OutputCommitment, data: bytes, tree: MerkleTree) -> None:
        self.commitment = commitment
        self._data = data
        self._tree = tree

    @classmethod
    def from_bytes(cls, commitment: OutputCommitment, data: bytes) -> CommittedOutput:
        """Rebuild a commitment from delivered output bytes (``data`` as committed, piece
        after piece), raising :class:`InvalidArgument` unless they are exactly what
        ``commitment`` commits to. A buyer who received the output uses it to open challenges
        without the solver."""
        if not isinstance(commitment, OutputCommitment):
            raise InvalidArgument("expected an OutputCommitment")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidArgument("the delivered output is bytes")
        raw = bytes(data)
        expected = commitment.pieces * commitment.row_bytes
        if len(raw) != expected:
            raise InvalidArgument(
                f"the output holds {len(raw)} bytes, the commitment {expected} "
                f"({commitment.pieces} pieces of {commitment.row_bytes} bytes)"
            )
        tree = MerkleTree(_leaf_level(raw, commitment.chunk * commitment.row_bytes))
        if tree.root != commitment.root:
            raise InvalidArgument("the output does not hash to the committed root")
        return cls(commitment, raw, tree)

    @property
    def data(self) -> bytes:
        """All committed output bytes, piece after piece."""
        return self._data

    @property
    def tree(self) -> MerkleTree:
        """The Merkle tree over the chunks."""
        return self._tree

    def chunk_bytes(self, leaf: int) -> bytes:
        """The bytes of leaf ``leaf``."""
        if type(leaf) is not int or not 0 <= leaf < self.commitment.leaves:
            raise InvalidArgument(f"leaf must lie in [0, {self.commitment.leaves})")
        width = self.commitment.chunk * self.commitment.row_bytes
        return self._data[leaf * width : (leaf + 1) * width]

    def open(self, challenge: Challenge) -> Opening:
        """The chunks holding the challenged pieces, with one multi-proof."""
        if not isinstance(challenge, Challenge):
            raise InvalidArgument("open takes a Challenge")
        leaves = sorted({self.commitment.leaf_of(i) for i in challenge.indices(self.commitment)})
        return Opening(
            challenge.claim,
            tuple(self.chunk_bytes(leaf) for leaf in leaves),
            self._tree.prove_many(leaves),
        )


def _leaf_level(data: bytes, leaf_bytes: int) -> npt.NDArray[np.uint8]:
    view = memoryview(data)
    prefix = hashlib.sha256(b"\x00")
    digests = bytearray()
    for start in range(0, len(data), leaf_bytes):
        state = prefix.copy()
        state.update(view[start : start + leaf_bytes])
        digests += state.digest()
    return np.frombuffer(bytes(digests), dtype=np.uint8).reshape(-1, 32).copy()


def commit_output(
    computation: ParallelComputation, rows: npt.ArrayLike, *, chunk: int | None = None
) -> CommittedOutput:
    """Quantize all N output rows, chunk them into leaves and build the tree.

    ``rows`` holds one row per piece, in piece order (``computation.evaluate(data)``).
    ``chunk`` defaults to :func:`choose_chunk`.
    """
    if not isinstance(computation, ParallelComputation):
        raise InvalidArgument("commit_output takes a ParallelComputation")
    try:
        array = np.asarray(rows)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"cannot read output rows: {exc}") from exc
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or len(array) != computation.size or array.shape[1] < 1:
        raise InvalidArgument(f"expected {computation.size} output rows, got shape {array.shape}")
    data = computation.piece_bytes(array)
    row_bytes = len(data) // computation.size
    if chunk is None:
        chunk = choose_chunk(computation.size, row_bytes)
    elif type(chunk) is not int or not 1 <= chunk <= computation.size:
        raise InvalidArgument(f"chunk must be an integer in [1, {computation.size}]")
    if chunk * row_bytes > MAX_CHUNK_BYTES:
        raise InvalidArgument(f"a chunk may hold at most {MAX_CHUNK_BYTES} bytes")
    tree = MerkleTree(_leaf_level(data, chunk * row_bytes))
    commitment = OutputCommitment(
        tree.root, computation.size, chunk, row_bytes, computation.spec.precision
    )
    return CommittedOutput(commitment, data, tree)


def sign_claim(
    committed: CommittedOutput,
    computation: ParallelComputation,
    data: bytes,
    *,
    claimant: Identity,
    offer: Digest,
    domain: Domain,
    now: int,
) -> Signed[Claim]:
    """The claimant's signed claim that ``computation(data)`` is the committed output."""
    if not isinstance(committed, CommittedOutput):
        raise InvalidArgument("sign_claim takes a CommittedOutput")
    if committed.commitment.pieces != computation.size:
        raise InvalidArgument("the commitment is for another number of pieces")
    return _sign_claim_for(
        committed.commitment,
        computation,
        data,
        claimant=claimant,
        offer=offer,
        domain=domain,
        issued=now,
    )


def _sign_claim_for(
    commitment: OutputCommitment,
    computation: ParallelComputation,
    data: bytes,
    *,
    claimant: Identity,
    offer: Digest,
    domain: Domain,
    issued: int,
) -> Signed[Claim]:
    """A signed claim naming ``commitment``, whatever it says (cheating solvers use it too)."""
    if not isinstance(computation, ParallelComputation):
        raise InvalidArgument("a parallel claim names a ParallelComputation")
    if not isinstance(claimant, Identity):
        raise InvalidArgument("the claimant is an Identity (it signs)")
    claim = Claim(
        offer=offer,
        claimant=claimant.party,
        computation=computation.spec.id,
        input=input_id(data),
        output=commitment.id,
        precision=computation.spec.precision,
        trace=None,
        issued=issued,
    )
    return Signed.create(claim, domain, claimant)


# ---------------------------------------------------------------------------------------------
# Challenge


Ratio = Fraction | int | float | str


def _ratio_value(name: str, value: Ratio) -> Fraction:
    """An exact probability in (0, 1); floats are read by their shortest repr (0.01 is 1/100)."""
    if isinstance(value, bool):
        raise InvalidArgument(f"{name} must be a number in (0, 1), got {value!r}")
    try:
        if isinstance(value, float):
            exact = Fraction(repr(value))
        elif isinstance(value, Fraction | int | str):
            exact = Fraction(value)
        else:
            raise TypeError(type(value).__name__)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise InvalidArgument(f"{name} must be a number in (0, 1), got {value!r}") from exc
    if not 0 < exact < 1:
        raise InvalidArgument(f"{name} must lie strictly between 0 and 1, got {value!r}")
    if exact.denominator >= INT_LIMIT:
        raise InvalidArgument(f"{name} needs a denominator below 2**63, got {value!r}")
    return exact


def _check_ratio(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if (
        type(value) is not tuple
        or len(value) != 2
        or not all(type(v) is int for v in value)
        or not 0 < value[0] < value[1] < INT_LIMIT
        or math.gcd(value[0], value[1]) != 1
    ):
        raise InvalidArgument(
            f"{attr.name} is a reduced fraction (numerator, denominator) in (0, 1)"
        )


def _check_nonce(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and (not isinstance(value, bytes) or len(value) != NONCE_SIZE):
        raise InvalidArgument(f"a verifier nonce is {NONCE_SIZE} bytes")


def sample_indices(seed: Digest, k: int, pieces: int) -> tuple[int, ...]:
    """``k`` piece indices uniform over [0, pieces), drawn with replacement from ``seed``.

    Draw ``j`` (j = 0, 1, …) is the first 8 bytes, big-endian, of
    ``tagged_hash("oddsproof/spot-check-index/v1", seed ‖ j as 8 bytes big-endian)``; a value at
    or above the largest multiple of ``pieces`` below 2**64 is rejected (no modulo bias), any
    other is reduced modulo ``pieces``.
    """
    if not isinstance(seed, Digest):
        raise InvalidArgument("the seed is a Digest")
    if type(k) is not int or not 0 <= k <= MAX_CHECKS:
        raise InvalidArgument(f"k must be an integer in [0, {MAX_CHECKS}], got {k!r}")
    if type(pieces) is not int or not 1 <= pieces < INT_LIMIT:
        raise InvalidArgument(f"pieces must be a positive integer, got {pieces!r}")
    limit = _U64 - _U64 % pieces
    raw = seed.raw
    out: list[int] = []
    counter = 0
    while len(out) < k:
        x = int.from_bytes(tagged_hash(INDEX_TAG, raw, counter.to_bytes(8, "big")).raw[:8], "big")
        counter += 1
        if x < limit:
            out.append(x % pieces)
    return tuple(out)


@canonical("spot-check-challenge")
@attrs.frozen
class Challenge(Canonical):
    """What the verifier asks: ``k`` checks of claim ``claim`` for (ε, f), from one random value.

    Exactly one of ``nonce`` (the verifier's, revealed after it held the claim) and ``beacon``
    (a round published after it held the claim) is set. ``k`` is at least ``plan(ε, f)``.
    Make one with :func:`nonce_challenge` or :func:`beacon_challenge`.
    """

    claim: Digest = attrs.field(validator=_digest)
    epsilon: tuple[int, int] = attrs.field(validator=_check_ratio)
    fraud_fraction: tuple[int, int] = attrs.field(validator=_check_ratio)
    k: int = attrs.field(validator=_positive_int(MAX_CHECKS + 1))
    nonce: bytes | None = attrs.field(validator=_check_nonce)
    beacon: BeaconRound | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(BeaconRound))
    )

    @beacon.validator
    def _one_source(self, _attr: object, value: Any) -> None:
        if (self.nonce is None) == (value is None):
            raise InvalidArgument("a challenge has exactly one source: a nonce or a beacon round")

    @property
    def seed(self) -> Digest:
        """``tagged_hash("oddsproof/spot-check-seed/v1", claim id ‖ source)``, the source being
        ``0x00 ‖ nonce`` or ``0x01 ‖ beacon key ‖ round (8 bytes) ‖ round randomness``."""
        if self.nonce is not None:
            return tagged_hash(SEED_TAG, self.claim.raw, b"\x00", self.nonce)
        assert self.beacon is not None
        round_bytes = self.beacon.round.to_bytes(8, "big")
        return tagged_hash(
            SEED_TAG,
            self.claim.raw,
            b"\x01",
            self.beacon.beacon.raw,
            round_bytes,
            self.beacon.randomness.raw,
        )

    @property
    def epsilon_value(self) -> Fraction:
        """ε as an exact fraction."""
        return Fraction(*self.epsilon)

    @property
    def fraud_fraction_value(self) -> Fraction:
        """f as an exact fraction."""
        return Fraction(*self.fraud_fraction)

    def indices(self, commitment: OutputCommitment | int) -> tuple[int, ...]:
        """The ``k`` challenged pieces among the commitment's N (or among ``N`` given as an
        integer), in draw order, with repeats."""
        pieces = commitment.pieces if isinstance(commitment, OutputCommitment) else commitment
        return sample_indices(self.seed, self.k, pieces)


def _checks(epsilon: Fraction, fraud_fraction: Fraction, k: int | None) -> int:
    needed = plan(float(epsilon), float(fraud_fraction))
    if k is None:
        k = needed
    if type(k) is not int or not needed <= k <= MAX_CHECKS:
        raise InvalidArgument(f"k must be an integer in [plan(ε, f) = {needed}, {MAX_CHECKS}]")
    return k


def _claim_id(claim: Signed[Claim]) -> Digest:
    if not isinstance(claim, Signed) or not isinstance(claim.body, Claim):
        raise InvalidArgument("expected a signed Claim")
    return claim.id


def nonce_challenge(
    claim: Signed[Claim],
    *,
    epsilon: Ratio,
    fraud_fraction: Ratio,
    nonce: bytes | None = None,
    k: int | None = None,
) -> Challenge:
    """A challenge from the verifier's nonce (fresh from the OS unless given).

    Reveal the nonce only after holding the signed claim: the claimant must not know it when
    committing. ``k`` defaults to ``plan(ε, f)``.
    """
    eps = _ratio_value("epsilon", epsilon)
    f = _ratio_value("fraud_fraction", fraud_fraction)
    if nonce is None:
        nonce = os.urandom(NONCE_SIZE)
    elif not isinstance(nonce, bytes) or len(nonce) != NONCE_SIZE:
        raise InvalidArgument(f"a nonce is {NONCE_SIZE} bytes")
    return Challenge(
        _claim_id(claim),
        (eps.numerator, eps.denominator),
        (f.numerator, f.denominator),
        _checks(eps, f, k),
        nonce,
        None,
    )


def beacon_challenge(
    claim: Signed[Claim],
    beacon_round: BeaconRound,
    *,
    received: int,
    published: int,
    epsilon: Ratio,
    fraud_fraction: Ratio,
    beacon: PublicKey | None = None,
    k: int | None = None,
) -> Challenge:
    """A challenge from a beacon round that was not yet published when the claim existed.

    ``received`` is when the verifier (or the ledger) first held the signed claim, on its own
    clock; ``published`` is when the round was published (from the beacon's schedule). The
    claim's own ``issued`` time is the claimant's word, so it cannot stand in for ``received``:
    a claimant who saw the round could backdate a claim. Raises :class:`InvalidArgument` unless
    the round was published strictly after both times, and unless the round's signature
    verifies (under ``beacon``, when given: the contract's beacon key).
    """
    claim_id = _claim_id(claim)
    if not isinstance(beacon_round, BeaconRound):
        raise InvalidArgument("expected a BeaconRound")
    for name, value in (("received", received), ("published", published)):
        if type(value) is not int or not 0 <= value < INT_LIMIT:
            raise InvalidArgument(f"{name} must be a time in integer seconds, got {value!r}")
    if beacon is not None and beacon_round.beacon != beacon:
        raise InvalidArgument("the round comes from another beacon than the one named")
    try:
        beacon_round.verify()
    except SignatureError as exc:
        raise InvalidArgument(f"the beacon round does not verify: {exc}") from exc
    issued = claim.body.issued
    if published <= max(received, issued):
        raise Refused(
            SpotCheckReason.BEACON_PUBLISHED,
            f"beacon round {beacon_round.round} was published (at {published}) before the claim "
            f"was held (at {max(received, issued)}): the claimant could have known it",
        )
    eps = _ratio_value("epsilon", epsilon)
    f = _ratio_value("fraud_fraction", fraud_fraction)
    return Challenge(
        claim_id,
        (eps.numerator, eps.denominator),
        (f.numerator, f.denominator),
        _checks(eps, f, k),
        None,
        beacon_round,
    )


# ---------------------------------------------------------------------------------------------
# Opening, certificate, fraud proof


def _check_chunks(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not tuple or not all(type(c) is bytes for c in value):
        raise InvalidArgument("chunks is a tuple of bytes")
    if any(len(c) > MAX_CHUNK_BYTES for c in value):
        raise InvalidArgument(f"a chunk holds at most {MAX_CHUNK_BYTES} bytes")


@canonical("spot-check-opening")
@attrs.frozen
class Opening(Canonical):
    """The solver's answer: the chunks holding the challenged pieces, in increasing leaf order,
    and one multi-proof of those leaves."""

    claim: Digest = attrs.field(validator=_digest)
    chunks: tuple[bytes, ...] = attrs.field(validator=_check_chunks)
    proof: MultiProof = attrs.field(validator=attrs.validators.instance_of(MultiProof))

    @proof.validator
    def _one_chunk_per_leaf(self, _attr: object, value: MultiProof) -> None:
        if len(value.indices) != len(self.chunks):
            raise InvalidArgument("an opening holds one chunk per leaf its proof covers")


class SpotCheckReason(Reason):
    """Why a certificate, a fraud proof or a beacon challenge was refused."""

    BAD_CERTIFICATE = "bad-certificate"
    """A certificate whose signature, verifier, k, beacon round or indices do not hold."""
    BAD_FRAUD_PROOF = "bad-fraud-proof"
    """A fraud proof that does not hold together: claim, commitment or leaf do not match."""
    NO_FRAUD = "no-fraud"
    """The piece a fraud proof names was committed correctly."""
    BEACON_PUBLISHED = "beacon-published"
    """The challenge's beacon round was public before the claim was held: the claimant could
    have known the indices."""


class SpotCheckOutcome(enum.Enum):
    """How a spot check ended."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    """Every challenged piece recomputed to its committed value."""
    WRONG_VALUE = "wrong-value"
    """An opened piece differs from its recomputation (or its chunk is malformed): fraud,
    with a fraud proof."""
    BAD_OPENING = "bad-opening"
    """The opening does not match the commitment (forged proof, other chunks, wrong claim)."""
    NO_OPENING = "no-opening"
    """The solver did not open before the deadline."""
    BAD_COMMITMENT = "bad-commitment"
    """The signed commitment contradicts the computation (another number of pieces or another
    precision): nothing needs recomputing."""


def _check_indices(_inst: object, _attr: object, value: Any) -> None:
    if type(value) is not tuple or len(value) > MAX_CHECKS:
        raise InvalidArgument(f"indices is a tuple of at most {MAX_CHECKS} integers")
    if not all(type(i) is int and 0 <= i < INT_LIMIT for i in value):
        raise InvalidArgument("indices are non-negative integers")


def _check_reason(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str) or len(value) > MAX_REASON or not value.isprintable():
        raise InvalidArgument(f"a reason is at most {MAX_REASON} printable characters")


@canonical("spot-check-certificate")
@attrs.frozen
class SpotCheckCertificate(Canonical):
    """The verifier's signed account of one spot check (wrap in ``Signed``, signed by
    ``verifier``).

    Each of the ``indices`` (drawn from ``seed``, in draw order) is one piece of
    ``commitment``: its output row was opened inside its chunk (leaf ``index // chunk``, whose
    hash was checked against the root) and recomputed alone. ``outcome`` says how the check
    ended; ``failed_index`` names the piece that failed (wrong value) and ``fraud_proof`` the id
    of the fraud proof for it. ``indices`` is empty when nothing was checked (bad commitment).

    Made by :func:`spot_check`; the constructor is for decoding.
    """

    claim: Digest = attrs.field(validator=_digest)
    statement: Digest = attrs.field(validator=_digest)
    commitment: OutputCommitment = attrs.field(
        validator=attrs.validators.instance_of(OutputCommitment)
    )
    challenge: Challenge = attrs.field(validator=attrs.validators.instance_of(Challenge))
    verifier: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    seed: Digest = attrs.field(validator=_digest)
    indices: tuple[int, ...] = attrs.field(validator=_check_indices)
    outcome: SpotCheckOutcome = attrs.field(
        validator=attrs.validators.instance_of(SpotCheckOutcome)
    )
    failed_index: int | None = attrs.field(validator=attrs.validators.optional(v.amount))
    fraud_proof: Digest | None = attrs.field(validator=attrs.validators.optional(_digest))
    reason: str = attrs.field(validator=_check_reason)
    issued: int = attrs.field(validator=v.amount)

    def __attrs_post_init__(self) -> None:
        if self.challenge.claim != self.claim:
            raise InvalidArgument("the certificate's challenge is for another claim")
        if self.seed != self.challenge.seed:
            raise InvalidArgument("the certificate's seed is not its challenge's seed")
        checked = self.outcome is not SpotCheckOutcome.BAD_COMMITMENT
        if len(self.indices) != (self.challenge.k if checked else 0):
            raise InvalidArgument("a certificate lists k indices (none for a bad commitment)")
        if any(i >= self.commitment.pieces for i in self.indices):
            raise InvalidArgument("an index lies outside the commitment's pieces")
        wrong = self.outcome is SpotCheckOutcome.WRONG_VALUE
        if wrong != (self.failed_index is not None) or wrong != (self.fraud_proof is not None):
            raise InvalidArgument("a failed index and a fraud proof go with a wrong value only")
        if wrong and self.failed_index not in self.indices:
            raise InvalidArgument("the failed index is not among the checked indices")

    @property
    def passed(self) -> bool:
        """Whether every challenged piece matched."""
        return self.outcome is SpotCheckOutcome.PASS

    @property
    def covers(self) -> str:
        """What one checked index covers, in words."""
        c = self.commitment
        return (
            f"each index is one of {c.pieces} pieces: its {c.row_bytes}-byte output row was "
            f"recomputed alone and compared; its chunk of {c.chunk} pieces (one Merkle leaf "
            f"of {c.leaves}) was hashed against the root"
        )


def _signed_claim(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Signed) or not isinstance(value.body, Claim):
        raise InvalidArgument("a fraud proof carries the signed claim")


@canonical("fraud-proof")
@attrs.frozen
class FraudProof(Canonical):
    """Evidence that a signed claim committed a wrong value for one piece.

    Holds the claim as signed, its commitment, the piece, the piece's chunk and the chunk's
    audit path. Anyone holding the computation and its input checks it with
    :func:`check_fraud_proof` by recomputing that one piece. Made by :func:`spot_check`.
    """

    claim: Signed[Claim] = attrs.field(validator=_signed_claim)
    commitment: OutputCommitment = attrs.field(
        validator=attrs.validators.instance_of(OutputCommitment)
    )
    piece: int = attrs.field(validator=v.amount)
    chunk: bytes = attrs.field(validator=attrs.validators.instance_of(bytes))
    proof: InclusionProof = attrs.field(validator=attrs.validators.instance_of(InclusionProof))

    @proof.validator
    def _fits(self, _attr: object, value: InclusionProof) -> None:
        c = self.commitment
        if type(self.piece) is not int or not 0 <= self.piece < c.pieces:
            raise InvalidArgument("the piece lies outside the commitment")
        if value.index != c.leaf_of(self.piece) or value.size != c.leaves:
            raise InvalidArgument("the audit path is not for the piece's leaf in this tree")
        if len(self.chunk) > MAX_CHUNK_BYTES:
            raise InvalidArgument(f"a chunk holds at most {MAX_CHUNK_BYTES} bytes")


@attrs.frozen
class SpotCheckResult:
    """What :func:`spot_check` returns: the signed certificate, and a fraud proof when an
    opened piece was wrong."""

    certificate: Signed[SpotCheckCertificate] = attrs.field(
        validator=attrs.validators.instance_of(Signed)
    )
    fraud_proof: FraudProof | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(FraudProof))
    )

    @property
    def passed(self) -> bool:
        """Whether the claim passed."""
        return self.certificate.body.passed


# ---------------------------------------------------------------------------------------------
# The verifier


def _fraud_refusal(message: str) -> Refused:
    return Refused(SpotCheckReason.BAD_FRAUD_PROOF, message)


def _check_claim_matches(
    claim: Signed[Claim],
    commitment: OutputCommitment,
    computation: ParallelComputation,
    data: bytes,
    *,
    domain: Domain,
    error: Callable[[str], Exception],
) -> Claim:
    """The claim's body, once its signature and its names (commitment, computation, input)
    are checked; raise ``error`` otherwise."""
    if not isinstance(claim, Signed) or not isinstance(claim.body, Claim):
        raise error("expected a signed Claim")
    if not isinstance(commitment, OutputCommitment):
        raise error("expected an OutputCommitment")
    if not isinstance(computation, ParallelComputation):
        raise error("expected a ParallelComputation")
    if not isinstance(domain, Domain):
        raise error("expected a Domain")
    body = claim.body
    try:
        claim.verify(domain)
    except SignatureError as exc:
        raise error(f"the claim's signature does not verify: {exc}") from exc
    if not claim.signed_by(body.claimant):
        raise error("the claim is not signed by its claimant")
    if body.trace is not None:
        raise error("a claim with a trace commitment is serial work, not spot-checkable")
    if body.output != commitment.id:
        raise error("the commitment is not the one the claim names as its output")
    if body.computation != computation.spec.id:
        raise error("the claim is about another computation")
    if body.input != input_id(data):
        raise error("the claim is about another input")
    return body


def _commitment_defect(body: Claim, commitment: OutputCommitment, comp: ParallelComputation) -> str:
    if commitment.pieces != comp.size:
        return f"the commitment covers {commitment.pieces} pieces, the computation has {comp.size}"
    if not commitment.precision == body.precision == comp.spec.precision:
        return (
            f"precision mismatch: commitment {commitment.precision}, claim {body.precision}, "
            f"computation {comp.spec.precision} bits"
        )
    return ""


def _recompute(computation: ParallelComputation, data: bytes, pieces: list[int]) -> bytes:
    """The committed bytes of ``pieces``, recomputed; the computation is caller's code, so any
    failure of it becomes a :class:`InvalidArgument`."""
    try:
        return computation.piece_bytes(computation.evaluate(data, np.array(pieces, np.int64)))
    except OddsproofError:
        raise
    except Exception as exc:  # user code: any failure becomes a typed error
        raise InvalidArgument(f"the computation failed: {type(exc).__name__}: {exc}") from exc


def spot_check(
    claim: Signed[Claim],
    commitment: OutputCommitment,
    challenge: Challenge,
    opening: Opening | None,
    *,
    computation: ParallelComputation,
    data: bytes,
    verifier: Identity,
    domain: Domain,
    now: int,
) -> SpotCheckResult:
    """Check ``opening`` against the claim and sign a certificate of the outcome.

    Verifies the claim's signature in ``domain`` and that the claim names ``commitment``,
    ``computation`` and ``data`` (otherwise :class:`InvalidArgument`: the verifier is checking
    the wrong thing). Then: a commitment that contradicts the computation fails at once; an
    opening that is missing, for another claim, for other leaves, or whose multi-proof does not
    lead to the root fails; otherwise the challenged pieces are recomputed (once each, in one
    vectorised call) and compared in draw order, and the first mismatch fails with a fraud
    proof. ``opening=None`` records that the solver did not answer in time.
    """
    body = _check_claim_matches(
        claim, commitment, computation, data, domain=domain, error=InvalidArgument
    )
    if not isinstance(challenge, Challenge) or challenge.claim != claim.id:
        raise InvalidArgument("the challenge is not for this claim")
    if not isinstance(verifier, Identity):
        raise InvalidArgument("the verifier is an Identity (it signs the certificate)")
    if opening is not None and not isinstance(opening, Opening):
        raise InvalidArgument("expected an Opening or None")

    def certify(
        outcome: SpotCheckOutcome,
        reason: str = "",
        indices: tuple[int, ...] = (),
        failed: int | None = None,
        fraud: FraudProof | None = None,
    ) -> SpotCheckResult:
        certificate = SpotCheckCertificate(
            claim=claim.id,
            statement=body.statement.id,
            commitment=commitment,
            challenge=challenge,
            verifier=verifier.party,
            seed=challenge.seed,
            indices=indices,
            outcome=outcome,
            failed_index=failed,
            fraud_proof=None if fraud is None else fraud.id,
            reason=reason[:MAX_REASON],
            issued=now,
        )
        return SpotCheckResult(Signed.create(certificate, domain, verifier), fraud)

    defect = _commitment_defect(body, commitment, computation)
    if defect:
        return certify(SpotCheckOutcome.BAD_COMMITMENT, defect)
    indices = challenge.indices(commitment)
    if opening is None:
        return certify(
            SpotCheckOutcome.NO_OPENING, "the solver did not open the challenged pieces", indices
        )
    leaves = sorted({commitment.leaf_of(i) for i in indices})
    if opening.claim != claim.id:
        return certify(SpotCheckOutcome.BAD_OPENING, "the opening answers another claim", indices)
    if list(opening.proof.indices) != leaves:
        return certify(
            SpotCheckOutcome.BAD_OPENING, "the opening holds other leaves than challenged", indices
        )
    chunks = dict(zip(leaves, opening.chunks, strict=True))
    leaf_hashes = {leaf: merkle_leaf_hash(chunk) for leaf, chunk in chunks.items()}
    try:
        verify_many(commitment.root, commitment.leaves, leaf_hashes, opening.proof)
    except InvalidArgument as exc:
        return certify(
            SpotCheckOutcome.BAD_OPENING, f"the multi-proof does not verify: {exc}", indices
        )

    unique = sorted(set(indices))
    recomputed = _recompute(computation, data, unique)
    width = len(recomputed) // len(unique)  # quantization is per value, so rows split evenly
    expected = {piece: recomputed[j * width : (j + 1) * width] for j, piece in enumerate(unique)}
    for piece in indices:
        leaf = commitment.leaf_of(piece)
        chunk = chunks[leaf]
        size = commitment.leaf_size(leaf)
        if len(chunk) != size:
            reason = f"leaf {leaf} holds {len(chunk)} bytes, the commitment implies {size}"
        elif chunk[commitment.piece_slice(piece)] != expected[piece]:
            reason = f"piece {piece} differs from its recomputation"
        else:
            continue
        path = split_multi_proof(commitment.root, commitment.leaves, leaf_hashes, opening.proof)
        fraud = FraudProof(claim, commitment, piece, chunk, path[leaf])
        return certify(SpotCheckOutcome.WRONG_VALUE, reason, indices, piece, fraud)
    return certify(SpotCheckOutcome.PASS, "", indices)


def check_certificate(
    certificate: Signed[SpotCheckCertificate],
    domain: Domain,
    *,
    verifier: Party | PublicKey | None = None,
) -> SpotCheckCertificate:
    """Check a signed certificate and return its body; raise :class:`~oddsproof.errors.Refused` if
    not.

    Checks the verifier's signature (and that it is ``verifier``'s, if given), that ``k`` is at
    least ``plan(ε, f)``, that a beacon round verifies, and that the indices are the ones the
    seed draws. It cannot check the outcome itself: that needs the opening, and the
    certificate is the verifier's signed word for it.
    """
    if not isinstance(certificate, Signed) or not isinstance(
        certificate.body, SpotCheckCertificate
    ):
        raise WrongType("expected a signed SpotCheckCertificate")
    cert = certificate.body
    try:
        certificate.verify(domain, signers=[cert.verifier])
    except SignatureError as exc:
        raise Refused(
            SpotCheckReason.BAD_CERTIFICATE, f"the certificate is not signed by its verifier: {exc}"
        ) from exc
    if verifier is not None:
        key = verifier.key if isinstance(verifier, Party) else verifier
        if key != cert.verifier.key:
            raise Refused(
                SpotCheckReason.BAD_CERTIFICATE, "the certificate is signed by another verifier"
            )
    challenge = cert.challenge
    try:
        needed = plan(float(challenge.epsilon_value), float(challenge.fraud_fraction_value))
    except InvalidArgument as exc:
        raise Refused(
            SpotCheckReason.BAD_CERTIFICATE, f"the certificate's ε or f is unusable: {exc}"
        ) from exc
    if challenge.k < needed:
        raise Refused(
            SpotCheckReason.BAD_CERTIFICATE, f"k = {challenge.k} is below plan(ε, f) = {needed}"
        )
    if challenge.beacon is not None:
        try:
            challenge.beacon.verify()
        except SignatureError as exc:
            raise Refused(
                SpotCheckReason.BAD_CERTIFICATE, f"the beacon round does not verify: {exc}"
            ) from exc
    if cert.outcome is not SpotCheckOutcome.BAD_COMMITMENT and cert.indices != challenge.indices(
        cert.commitment
    ):
        raise Refused(
            SpotCheckReason.BAD_CERTIFICATE, "the indices are not the ones the seed draws"
        )
    return cert


def certificate_ruling(
    certificate: Signed[SpotCheckCertificate],
    verifier: Identity,
    *,
    contract: Digest | None = None,
    level: int = 0,
    final: bool = False,
    now: int | None = None,
) -> Signed[Ruling]:
    """The verifier's ruling on the claim's statement: upheld exactly when the check passed.

    The ruling's evidence is the certificate's id; it is signed by the verifier (who signed the
    certificate) in the certificate's domain, at ``level`` of the contract's ladder, not final
    by default so that the ladder can take it further.
    """
    if not isinstance(verifier, Identity):
        raise InvalidArgument("the verifier is an Identity (it signs the ruling)")
    if not isinstance(certificate, Signed):
        raise InvalidArgument("expected a signed SpotCheckCertificate")
    cert = check_certificate(certificate, certificate.domain, verifier=verifier.key)
    try:
        ruling = Ruling(
            statement=cert.statement,
            upheld=cert.passed,
            claim=cert.claim,
            contract=contract,
            evidence=cert.id,
            level=level,
            final=final,
            issued=cert.issued if now is None else now,
        )
    except OddsproofError as exc:
        raise InvalidArgument(f"cannot make the ruling: {exc}") from exc
    return Signed.create(ruling, certificate.domain, verifier)


def check_fraud_proof(
    proof: FraudProof, computation: ParallelComputation, data: bytes, *, domain: Domain
) -> None:
    """Return if ``proof`` shows fraud; raise :class:`~oddsproof.errors.Refused` if it does not.

    Checks the claimant's signature on the claim in ``domain``, that the claim names the
    commitment, ``computation`` and ``data``, that the chunk is the committed leaf (audit path
    to the root, for the commitment's leaf count), then recomputes the one piece and requires
    that it differ from the committed bytes. A commitment that contradicts the computation
    (pieces or precision), or a committed chunk of the wrong length, is fraud without
    recomputing anything.
    """
    if not isinstance(proof, FraudProof):
        raise WrongType("expected a FraudProof")
    c = proof.commitment
    body = _check_claim_matches(
        proof.claim, c, computation, data, domain=domain, error=_fraud_refusal
    )
    if _commitment_defect(body, c, computation):
        return
    try:
        verify_chunk(c.root, c.leaves, proof.chunk, proof.proof)
    except InvalidArgument as exc:
        raise Refused(
            SpotCheckReason.BAD_FRAUD_PROOF, f"the chunk is not the committed leaf: {exc}"
        ) from exc
    leaf = c.leaf_of(proof.piece)
    if len(proof.chunk) != c.leaf_size(leaf):
        return
    if _recompute(computation, data, [proof.piece]) == proof.chunk[c.piece_slice(proof.piece)]:
        raise Refused(
            SpotCheckReason.NO_FRAUD, f"piece {proof.piece} was committed correctly: no fraud"
        )
