"""Known-answer vectors (``tests/data/vectors.json``): pinned bytes, ids and signatures.

An encoding change can never pass unnoticed: every vector must decode, re-encode to the same
bytes and hash to the same id, every signed vector must verify, every registered kind must have
a vector, and every one-bit flip of a vector must be refused (or decode to a different object).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import EncodingError, SignatureError
from oddsproof.wire import Canonical, Domain, Signed, decode, encode
from tests.data import make_vectors
from tests.strategies import unsigned_objects

DOCUMENT: dict[str, Any] = json.loads(make_vectors.OUTPUT.read_text(encoding="ascii"))
VECTORS: list[dict[str, Any]] = DOCUMENT["vectors"]
UNSIGNED = [v for v in VECTORS if "signed" not in v]
SIGNED = [v for v in VECTORS if "signed" in v]

# A flipped bit inside an embedded public key makes decode raise SignatureError instead of
# EncodingError (see test_encoding.py::test_decode_refuses_bad_embedded_key_with_encoding_error).
# Once that is fixed, this becomes (EncodingError,).
DECODE_ERRORS = (EncodingError, SignatureError)


def _by_name(vectors: list[dict[str, Any]]) -> Any:
    return pytest.mark.parametrize("vector", vectors, ids=[v["name"] for v in vectors])


def bip340_hash(tag: str, message: bytes) -> str:
    """The tagged hash, computed here from its definition rather than by the library."""
    tag_hash = hashlib.sha256(tag.encode("ascii")).digest()
    return hashlib.sha256(tag_hash + tag_hash + message).hexdigest()


def _domain(vector: dict[str, Any]) -> Domain:
    return Domain(vector["signed"]["network"], vector["signed"]["protocol"])


def test_the_vector_file_is_up_to_date() -> None:
    expected = make_vectors.render(make_vectors.build())
    assert make_vectors.OUTPUT.read_text(encoding="ascii") == expected, (
        "tests/data/vectors.json differs from what tests/data/make_vectors.py builds: if the "
        "change is deliberate, run `.venv/bin/python tests/data/make_vectors.py` and review "
        "the diff"
    )


def test_every_registered_kind_has_a_vector() -> None:
    missing = make_vectors.missing_kinds(DOCUMENT)
    assert not missing, (
        f"no known-answer vector for {missing}: add a builder to EXAMPLES in "
        "tests/data/make_vectors.py and regenerate"
    )


def test_the_registry_check_can_fail() -> None:
    """Negative control: dropping the vectors of one kind makes the registry check complain."""
    pruned = {"vectors": [v for v in VECTORS if v["kind"] != "claim"]}
    newly_missing = set(make_vectors.missing_kinds(pruned)) - set(
        make_vectors.missing_kinds(DOCUMENT)
    )
    assert newly_missing == {("claim", 1)}


def test_vector_names_are_unique() -> None:
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))


@_by_name(VECTORS)
def test_vector_decodes_and_re_encodes_to_the_same_bytes(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    obj = decode(data)
    assert (vector["kind"], vector["version"]) == (obj.KIND, obj.VERSION)
    assert obj.TAG == vector["tag"] == f"oddsproof/{obj.KIND}/v{obj.VERSION}"
    assert encode(obj) == data
    assert bytes(obj) == data
    assert obj.id.hex() == vector["id"]


@_by_name(UNSIGNED)
def test_vector_id_is_the_tagged_hash_of_its_bytes(vector: dict[str, Any]) -> None:
    assert vector["id"] == bip340_hash(vector["tag"], bytes.fromhex(vector["hex"]))


@_by_name(UNSIGNED)
def test_vector_decodes_as_its_own_class_only(vector: dict[str, Any]) -> None:
    obj = decode(bytes.fromhex(vector["hex"]))
    assert decode(obj.encoded, type(obj)) == obj
    with pytest.raises(EncodingError):
        decode(obj.encoded, Signed)


@_by_name(SIGNED)
def test_signed_vector_verifies(vector: dict[str, Any]) -> None:
    envelope = decode(bytes.fromhex(vector["hex"]), Signed)
    info = vector["signed"]
    body = envelope.verify(_domain(vector))
    assert info["body_kind"] == body.KIND
    assert body.encoded.hex() == info["body_hex"]
    # An envelope's id is its body's id, under the body's tag: signatures never identify.
    assert vector["id"] == bip340_hash(body.TAG, body.encoded)
    assert [k.hex() for k in envelope.signers] == info["signers"] == sorted(info["signers"])
    envelope.verify(_domain(vector), signers=envelope.signers)


@_by_name(SIGNED)
def test_signed_vector_is_refused_in_other_domains(vector: dict[str, Any]) -> None:
    envelope = decode(bytes.fromhex(vector["hex"]), Signed)
    domain = _domain(vector)
    for other in (
        Domain(domain.network + "x", domain.protocol),
        Domain(domain.network, domain.protocol + 1),
    ):
        with pytest.raises(SignatureError):
            envelope.verify(other)


EXHAUSTIVE_LIMIT = 256
"""Vectors up to this many bytes get every bit flipped; longer ones every byte, one bit each
(a different bit from byte to byte), with all bits of their first and last 32 bytes, where the
map headers and the final signature live. Hypothesis samples all bits of all vectors below."""


def _flip(data: bytes, position: int) -> bytes:
    i, bit = divmod(position, 8)
    return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]


def _flips(data: bytes) -> list[bytes]:
    n = len(data)
    if n <= EXHAUSTIVE_LIMIT:
        positions = set(range(8 * n))
    else:
        positions = {8 * i + (3 * i) % 8 for i in range(n)}
        positions |= set(range(8 * 32)) | set(range(8 * (n - 32), 8 * n))
    return [_flip(data, p) for p in sorted(positions)]


def _assert_flip_refused_or_different(original: Canonical, flipped: bytes) -> None:
    try:
        obj = decode(flipped)
    except DECODE_ERRORS:
        return
    # It still decodes: then it is another object with other bytes and another id.
    assert obj.encoded == flipped
    assert obj != original
    assert obj.id != original.id


@_by_name(UNSIGNED)
def test_every_one_bit_flip_is_refused_or_another_object(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    original = decode(data)
    for flipped in _flips(data):
        _assert_flip_refused_or_different(original, flipped)


@_by_name(SIGNED)
def test_every_one_bit_flip_of_an_envelope_fails_verification(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    domain = _domain(vector)
    decode(data).verify(domain)  # the control: unflipped, it verifies
    for flipped in _flips(data):
        with pytest.raises((SignatureError, EncodingError)):
            decode(flipped).verify(domain)


@given(st.data())
def test_sampled_one_bit_flips_of_any_vector(data: st.DataObject) -> None:
    vector = data.draw(st.sampled_from(VECTORS), label="vector")
    encoded = bytes.fromhex(vector["hex"])
    flipped = _flip(encoded, data.draw(st.integers(0, len(encoded) * 8 - 1), label="bit"))
    if "signed" in vector:
        with pytest.raises((SignatureError, EncodingError)):
            decode(flipped).verify(_domain(vector))
    else:
        _assert_flip_refused_or_different(decode(encoded), flipped)


@given(unsigned_objects, st.data())
def test_one_bit_flips_of_random_objects(obj: Canonical, data: st.DataObject) -> None:
    encoded = obj.encoded
    position = data.draw(st.integers(0, len(encoded) * 8 - 1), label="bit")
    _assert_flip_refused_or_different(obj, _flip(encoded, position))
