"""Signed envelopes: what a signature covers, where it is valid, and who must have signed."""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import cbor2
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from oddsproof.contracts import BeaconRound, Close, Statement, beacon_message
from oddsproof.errors import EncodingError, SignatureError
from oddsproof.wire import (
    PROTOCOL_VERSION,
    Canonical,
    Digest,
    Domain,
    Identity,
    PublicKey,
    Signature,
    Signed,
    decode,
    signing_message,
    to_primitive,
    verify_bytes,
)
from tests.strategies import BEACON, IDENTITIES, domains, signed_objects, unsigned_objects

ALICE, BOB, CAROL = IDENTITIES[:3]
D = Digest(bytes(range(32)))
BODY = Statement(D, D, D, 8)
MAIN = Domain("main")


def bip340(tag: str, message: bytes) -> bytes:
    tag_hash = hashlib.sha256(tag.encode("ascii")).digest()
    return hashlib.sha256(tag_hash + tag_hash + message).digest()


def test_the_signed_message_is_the_tagged_hash_of_domain_and_id() -> None:
    expected = bip340("oddsproof/signature/v1", MAIN.encoded + BODY.id.raw)
    assert signing_message(MAIN, BODY.id).raw == expected
    envelope = Signed.create(BODY, MAIN, ALICE)
    ALICE.key.verify(expected, envelope.signatures[0].sig)


@given(domains, domains, st.binary(min_size=32, max_size=32))
def test_signing_messages_differ_across_domains(a: Domain, b: Domain, raw: bytes) -> None:
    assume(a != b)
    assert signing_message(a, Digest(raw)) != signing_message(b, Digest(raw))


def test_sign_and_verify() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    assert envelope.verify(MAIN) is BODY
    assert envelope.signers == (ALICE.key,)
    assert envelope.signed_by(ALICE.party)
    assert envelope.signed_by(ALICE.key)
    assert not envelope.signed_by(BOB.party)
    assert decode(envelope.encoded) == envelope
    assert decode(envelope.encoded, Signed).verify(MAIN) == BODY


def test_envelope_id_is_the_body_id() -> None:
    one = Signed.create(BODY, MAIN, ALICE)
    two = Signed.create(BODY, Domain("other"), BOB, CAROL)
    assert one.id == two.id == BODY.id
    assert one.encoded != two.encoded
    assert decode(one.encoded).id == BODY.id


@pytest.mark.parametrize(
    "other",
    [Domain("main2"), Domain("Main"), Domain("main", PROTOCOL_VERSION + 1)],
    ids=["other-network", "case", "other-protocol"],
)
def test_wrong_domain_is_refused(other: Domain) -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    with pytest.raises(SignatureError, match="domain"):
        envelope.verify(other)


def test_a_signature_does_not_move_to_another_domain() -> None:
    """Relabelling the envelope's domain does not help: the domain is inside the message."""
    envelope = Signed.create(BODY, MAIN, ALICE)
    moved = Signed(BODY, Domain("other"), envelope.signatures)
    with pytest.raises(SignatureError, match="does not verify"):
        moved.verify(Domain("other"))
    moved_version = Signed(BODY, Domain("main", 2), envelope.signatures)
    with pytest.raises(SignatureError, match="does not verify"):
        moved_version.verify(Domain("main", 2))


@given(unsigned_objects, unsigned_objects)
def test_a_signature_does_not_move_to_another_object(x: Canonical, y: Canonical) -> None:
    assume(x.id != y.id)
    envelope = Signed.create(x, MAIN, ALICE)
    with pytest.raises(SignatureError, match="does not verify"):
        Signed(y, MAIN, envelope.signatures).verify(MAIN)


def test_signatures_over_bare_ids_or_bytes_are_not_envelope_signatures() -> None:
    """Domain separation: a signature on the id itself, or on another tagged message with the
    same inputs, never verifies as an envelope signature."""
    for message in (
        BODY.id,  # the bare id
        Digest(hashlib.sha256(BODY.encoded).digest()),  # an untagged hash of the bytes
        Digest(bip340("oddsproof/signature/v1", BODY.id.raw)),  # no domain
        Digest(bip340("oddsproof/signature/v1", Domain("main", 2).encoded + BODY.id.raw)),
    ):
        forged = Signed(BODY, MAIN, (Signature(ALICE.key, ALICE.sign_digest(message)),))
        with pytest.raises(SignatureError):
            forged.verify(MAIN)


def test_a_beacon_round_signature_is_not_an_envelope_signature() -> None:
    """A beacon signs round messages under their own tag; none can pass as an envelope."""
    round_ = BeaconRound(BEACON.key, 5, BEACON.sign_digest(beacon_message(BEACON.key, 5)))
    round_.verify()
    body = Statement(beacon_message(BEACON.key, 5), D, D, 0)
    forged = Signed(body, MAIN, (Signature(BEACON.key, round_.signature),))
    with pytest.raises(SignatureError):
        forged.verify(MAIN)


# --- several signers ------------------------------------------------------------------------


def test_multiple_signers_are_sorted_and_all_checked() -> None:
    envelope = Signed.create(BODY, MAIN, CAROL, ALICE, BOB)
    keys = [s.signer.raw for s in envelope.signatures]
    assert keys == sorted(keys)
    assert set(envelope.signers) == {ALICE.key, BOB.key, CAROL.key}
    envelope.verify(MAIN)
    # One bad signature among good ones fails the whole envelope.
    sigs = list(envelope.signatures)
    sigs[1] = Signature(sigs[1].signer, bytes(64))
    with pytest.raises(SignatureError):
        Signed(BODY, MAIN, tuple(sigs)).verify(MAIN)


def test_cosign_equals_signing_together() -> None:
    first = Signed.create(BODY, MAIN, ALICE)
    both = first.cosign(BOB)
    assert both == Signed.create(BODY, MAIN, BOB, ALICE)
    assert both.encoded == Signed.create(BODY, MAIN, ALICE, BOB).encoded  # deterministic
    both.verify(MAIN, signers=[ALICE.party, BOB.party])
    assert first.signers == (ALICE.key,)  # the original is unchanged


def test_cosign_twice_is_refused() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    with pytest.raises(SignatureError, match="already signed"):
        envelope.cosign(ALICE)
    with pytest.raises(SignatureError, match="already signed"):
        envelope.cosign(BOB).cosign(ALICE)


def test_expected_signer_sets() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE, BOB)
    assert envelope.verify(MAIN, signers=[ALICE.party, BOB.party]) == BODY
    assert envelope.verify(MAIN, signers=[BOB.key, ALICE.key]) == BODY
    assert envelope.verify(MAIN, signers=iter([ALICE.party, BOB.key])) == BODY
    for wrong in ([ALICE.party], [ALICE.party, BOB.party, CAROL.party], [CAROL.party], []):
        with pytest.raises(SignatureError, match="expected parties"):
            envelope.verify(MAIN, signers=wrong)


def test_expected_signers_are_checked_by_key_not_by_name() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    impostor = Identity.from_seed(ALICE.name, b"\x99" * 32).party
    with pytest.raises(SignatureError):
        envelope.verify(MAIN, signers=[impostor])


def test_duplicate_signers_are_refused() -> None:
    with pytest.raises(SignatureError, match="twice"):
        Signed.create(BODY, MAIN, ALICE, ALICE)
    sig = Signed.create(BODY, MAIN, ALICE).signatures[0]
    with pytest.raises(SignatureError, match="one per signer"):
        Signed(BODY, MAIN, (sig, sig))


def _reencoded(envelope: Signed[Any], change: Any) -> bytes:
    prim = to_primitive(envelope)
    change(prim)
    return cbor2.dumps(prim, canonical=True)


def test_unsorted_signatures_are_refused_at_decode() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE, BOB)
    data = _reencoded(envelope, lambda p: p["signatures"].reverse())
    with pytest.raises(EncodingError, match="sorted"):
        decode(data)
    with pytest.raises(SignatureError, match="sorted"):
        Signed(BODY, MAIN, envelope.signatures[::-1])


def test_duplicate_signatures_are_refused_at_decode() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    data = _reencoded(envelope, lambda p: p["signatures"].append(p["signatures"][0]))
    with pytest.raises(EncodingError, match="one per signer"):
        decode(data)


@pytest.mark.parametrize("count", [0, 65])
def test_signature_count_is_bounded(count: int) -> None:
    sig = to_primitive(Signed.create(BODY, MAIN, ALICE))["signatures"][0]
    data = _reencoded(
        Signed.create(BODY, MAIN, ALICE), lambda p: p.__setitem__("signatures", [sig] * count)
    )
    with pytest.raises(EncodingError, match="1 to 64"):
        decode(data)


def test_create_refuses_bad_arguments() -> None:
    with pytest.raises(SignatureError, match="at least one"):
        Signed.create(BODY, MAIN)
    with pytest.raises(EncodingError, match="inner object"):
        Signed.create(Signed.create(BODY, MAIN, ALICE), MAIN, BOB)
    with pytest.raises(EncodingError):
        Signed.create(BODY, "main", ALICE)  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        Signed.create(D, MAIN, ALICE)  # type: ignore[type-var]


def test_signature_objects_check_their_bytes() -> None:
    with pytest.raises(SignatureError, match="64 bytes"):
        Signature(ALICE.key, bytes(63))
    with pytest.raises(TypeError):
        Signature(ALICE.key.raw, bytes(64))  # type: ignore[arg-type]


# --- verify_bytes ----------------------------------------------------------------------------


def test_verify_bytes() -> None:
    data = Signed.create(BODY, MAIN, ALICE).encoded
    assert verify_bytes(data, MAIN).body == BODY
    assert verify_bytes(data, MAIN, Statement).body == BODY
    with pytest.raises(EncodingError, match="expected a signed Close"):
        verify_bytes(data, MAIN, Close)
    with pytest.raises(SignatureError):
        verify_bytes(data, Domain("other"))
    with pytest.raises(EncodingError, match="expected Signed"):
        verify_bytes(BODY.encoded, MAIN)  # an unsigned object is not an envelope
    with pytest.raises(EncodingError):
        verify_bytes(b"", MAIN)


def test_verify_bytes_refuses_a_tampered_body() -> None:
    envelope = Signed.create(BODY, MAIN, ALICE)
    other = Statement(D, D, D, 9)
    data = _reencoded(envelope, lambda p: p.__setitem__("body", to_primitive(other)))
    assert decode(data).body == other  # well-formed, only the signature is wrong
    with pytest.raises(SignatureError, match="does not verify"):
        verify_bytes(data, MAIN)


# --- no third-party exception escapes ------------------------------------------------------


@given(st.binary(min_size=64, max_size=64), signed_objects())
def test_random_signatures_fail_with_signature_error(sig: bytes, envelope: Signed[Any]) -> None:
    first = envelope.signatures[0]
    assume(sig != first.sig)
    forged = attrs.evolve(
        envelope, signatures=(Signature(first.signer, sig), *envelope.signatures[1:])
    )
    with pytest.raises(SignatureError):
        forged.verify(envelope.domain)


@given(st.binary(max_size=80), st.binary(max_size=80), st.binary(max_size=40))
def test_random_keys_signatures_and_messages(key: bytes, sig: bytes, message: bytes) -> None:
    """Whatever the bytes, only the package's errors come out (never pynacl's)."""
    try:
        public = PublicKey(key)
    except SignatureError:
        public = ALICE.key
    with pytest.raises(SignatureError):
        public.verify(message, sig)


@given(st.binary(max_size=64))
def test_random_seeds(seed: bytes) -> None:
    if len(seed) == 32:
        assert len(Identity.from_seed("x", seed).key.raw) == 32
    else:
        with pytest.raises(SignatureError):
            Identity.from_seed("x", seed)


@given(signed_objects(), st.data())
def test_envelope_with_random_signer_key(envelope: Signed[Any], data: st.DataObject) -> None:
    raw = data.draw(st.binary(min_size=32, max_size=32))
    prim = to_primitive(envelope)
    prim["signatures"][0]["signer"] = raw
    try:
        tampered = decode(cbor2.dumps(prim, canonical=True))
    except (EncodingError, SignatureError):
        return
    assume(tampered != envelope)
    with pytest.raises(SignatureError):
        tampered.verify(envelope.domain)
