"""Signed envelopes against raw PyNaCl, and canonical encode/decode rates.

Like for like: raw PyNaCl is handed a claim-sized object's canonical bytes, and so is the
envelope (a fresh object whose bytes exist, as they do after decoding or storing it, but whose
id has never been computed). ``envelope_sign_ratio`` is the time of raw ``SigningKey.sign`` of
those bytes over the time of ``Signed.create``, which hashes the bytes under the kind's tag,
binds the id to the domain, signs the digest and builds the envelope. ``envelope_verify_ratio``
is raw ``VerifyKey.verify`` over ``Signed.verify`` of a fresh envelope (id recomputed). Goal:
ratio >= 0.8, the envelope costing at most 25% more. The detail also reports the cold ratios, in
which the envelope side encodes a never-encoded object first (canonical encoding has its own
rate below). Fresh objects come from pools built before timing.
"""

from __future__ import annotations

import attrs
import nacl.signing

from _harness import Result, side_by_side
from oddsproof.wire import Canonical, Digest, Domain, Identity, Signed, canonical, decode


@canonical("bench-claim-sized")
@attrs.frozen
class ClaimSized(Canonical):
    """Stands in for a claim: five digests, a key, two integers (about 250 bytes encoded)."""

    offer: Digest
    computation: Digest
    input: Digest
    output: Digest
    trace: Digest
    claimant: bytes
    precision: int
    issued_at: int


def _body(i: int) -> ClaimSized:
    d = Digest(i.to_bytes(32, "big"))
    return ClaimSized(d, d, d, d, d, b"\x07" * 32, 32, 1_700_000_000 + i)


def _warm(obj: ClaimSized) -> ClaimSized:
    obj.encoded  # noqa: B018 - computes and caches the canonical bytes, not the id
    return obj


def run(quick: bool) -> list[Result]:
    rounds = 7 if quick else 21
    alice = Identity.from_seed("alice", b"\x01" * 32)
    raw_key = nacl.signing.SigningKey(b"\x01" * 32)
    domain = Domain("bench")
    body = _body(1)
    payload = body.encoded
    signed_raw = raw_key.sign(payload)
    envelope_bytes = Signed.create(body, domain, alice).encoded
    envelope = Signed.create(body, domain, alice)
    pool_size = 60_000 if quick else 160_000
    cold_bodies = iter([_body(i) for i in range(2, pool_size)])
    warm_bodies = iter([_warm(_body(i)) for i in range(2, pool_size)])
    cold = iter([Signed(attrs.evolve(body), domain, envelope.signatures) for _ in range(pool_size)])
    warm = iter(
        [Signed(_warm(attrs.evolve(body)), domain, envelope.signatures) for _ in range(pool_size)]
    )
    times = side_by_side(
        {
            "raw_sign": lambda: raw_key.sign(payload),
            "envelope_sign": lambda: Signed.create(next(warm_bodies), domain, alice),
            "cold_sign": lambda: Signed.create(next(cold_bodies), domain, alice),
            "raw_verify": lambda: raw_key.verify_key.verify(signed_raw),
            "envelope_verify": lambda: next(warm).verify(domain),
            "cold_verify": lambda: next(cold).verify(domain),
            "encode": lambda: _body(5).encoded,
            "construct": lambda: _body(5),
            "decode": lambda: decode(payload, ClaimSized),
            "decode_envelope": lambda: decode(envelope_bytes, Signed),
        },
        rounds=rounds,
    )
    size = {"object_bytes": len(payload)}
    return [
        Result(
            "envelope_sign_ratio",
            times["raw_sign"] / times["envelope_sign"],
            "ratio",
            0.8,
            "higher",
            {
                **size,
                "raw_us": times["raw_sign"] * 1e6,
                "envelope_us": times["envelope_sign"] * 1e6,
                "cold_ratio": times["raw_sign"] / times["cold_sign"],
            },
        ),
        Result(
            "envelope_verify_ratio",
            times["raw_verify"] / times["envelope_verify"],
            "ratio",
            0.8,
            "higher",
            {
                **size,
                "raw_us": times["raw_verify"] * 1e6,
                "envelope_us": times["envelope_verify"] * 1e6,
                "cold_ratio": times["raw_verify"] / times["cold_verify"],
            },
        ),
        Result(
            "canonical_encode_per_s",
            1 / (times["encode"] - times["construct"]),
            "objects/s",
            50_000,
            "higher",
            size,
        ),
        Result(
            "canonical_decode_per_s",
            1 / times["decode"],
            "objects/s",
            20_000,
            "higher",
            {**size, "envelope_decode_per_s": 1 / times["decode_envelope"]},
        ),
    ]
