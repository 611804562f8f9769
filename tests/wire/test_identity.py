"""Public keys, parties, identities and key files.

The refused keys are built and classified here with a few lines of Edwards-curve arithmetic
(RFC 8032 §5.1), so each test knows *why* a key must be refused (small order, mixed order, not
canonical, not on the curve) rather than trusting a list of magic strings.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import nacl.signing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oddsproof.errors import EncodingError, KeyFileError, OddsproofError, SignatureError
from oddsproof.wire import Digest, Identity, Party, PublicKey, decode, encode

# --- Edwards25519 arithmetic, for classifying test keys -------------------------------------

Q = 2**255 - 19
D = -121665 * pow(121666, -1, Q) % Q
SQRT_M1 = pow(2, (Q - 1) // 4, Q)
L = 2**252 + 27742317777372353535851937790883648493  # order of the main subgroup
IDENTITY = (0, 1)
Point = tuple[int, int]


def decode_point(raw: bytes) -> Point | None:
    """RFC 8032 §5.1.3 decoding; None for non-canonical encodings and non-points."""
    y = int.from_bytes(raw, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= Q:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, Q) % Q
    x = pow(x2, (Q + 3) // 8, Q)
    if (x * x - x2) % Q:
        x = x * SQRT_M1 % Q
    if (x * x - x2) % Q:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = Q - x
    return (x, y)


def encode_point(point: Point) -> bytes:
    x, y = point
    return (y | (x & 1) << 255).to_bytes(32, "little")


def add(p: Point, r: Point) -> Point:
    (x1, y1), (x2, y2) = p, r
    t = D * x1 * x2 * y1 * y2
    return (
        (x1 * y2 + x2 * y1) * pow(1 + t, -1, Q) % Q,
        (y1 * y2 + x1 * x2) * pow(1 - t, -1, Q) % Q,
    )


def mul(n: int, p: Point) -> Point:
    result = IDENTITY
    while n:
        if n & 1:
            result = add(result, p)
        p, n = add(p, p), n >> 1
    return result


# A point of order 8; its multiples are the eight points of small order.
T8 = decode_point(bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
assert T8 is not None
SMALL_ORDER = [encode_point(mul(k, T8)) for k in range(8)]
A_KEY = Identity.from_seed("a", b"\x07" * 32).key.raw
A_POINT = decode_point(A_KEY)
assert A_POINT is not None


def test_the_arithmetic_is_right() -> None:
    """Controls: a real key is in the main subgroup; the list holds exactly the 8 torsion points."""
    assert mul(L, A_POINT) == IDENTITY
    assert encode_point(A_POINT) == A_KEY
    assert len(set(SMALL_ORDER)) == 8
    assert all(mul(8, decode_point(raw) or (1, 1)) == IDENTITY for raw in SMALL_ORDER)
    assert SMALL_ORDER[0] == b"\x01" + bytes(31)  # the neutral element
    assert SMALL_ORDER[4] == bytes.fromhex("ec" + "ff" * 30 + "7f")  # (0, -1), order 2
    assert bytes(32) in SMALL_ORDER  # the all-zero key is a point of order 4


@pytest.mark.parametrize("raw", SMALL_ORDER, ids=[f"torsion-{k}" for k in range(8)])
def test_small_order_keys_are_refused(raw: bytes) -> None:
    with pytest.raises(SignatureError, match="refused") as info:
        PublicKey(raw)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OddsproofError)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_mixed_order_keys_are_refused(k: int) -> None:
    """A real key plus a torsion component: on the curve, canonical, not in the main subgroup."""
    raw = encode_point(add(A_POINT, mul(k, T8)))
    assert decode_point(raw) is not None
    assert mul(L, decode_point(raw) or IDENTITY) != IDENTITY
    with pytest.raises(SignatureError):
        PublicKey(raw)


def _non_canonical() -> list[bytes]:
    """Encodings of y + q (possible when y < 19) and of x = 0 with the sign bit set."""
    out = []
    for y in (0, 1, 2, 3):
        raw = (y + Q).to_bytes(32, "little")
        out.append(raw)
        out.append(raw[:31] + bytes([raw[31] | 0x80]))
    out.append(b"\x01" + bytes(30) + b"\x80")  # (0, 1) with sign bit set
    out.append(bytes.fromhex("ec" + "ff" * 31))  # (0, -1) with sign bit set
    return out


@pytest.mark.parametrize("raw", _non_canonical(), ids=lambda raw: raw.hex()[:4] + raw.hex()[-2:])
def test_non_canonical_encodings_are_refused(raw: bytes) -> None:
    assert decode_point(raw) is None
    with pytest.raises(SignatureError):
        PublicKey(raw)


def test_points_off_the_curve_are_refused() -> None:
    off = [
        y.to_bytes(32, "little")
        for y in range(2, 40)
        if decode_point(y.to_bytes(32, "little")) is None
    ]
    assert len(off) > 5
    for raw in off:
        with pytest.raises(SignatureError):
            PublicKey(raw)


@pytest.mark.parametrize("raw", [b"", bytes(31), bytes(33), bytearray(A_KEY), A_KEY.hex(), None])
def test_keys_of_the_wrong_type_or_size_are_refused(raw: Any) -> None:
    with pytest.raises(SignatureError, match="32 bytes"):
        PublicKey(raw)


@given(st.binary(min_size=32, max_size=32))
def test_any_32_bytes_give_a_valid_key_or_signature_error(raw: bytes) -> None:
    point = decode_point(raw)
    valid = point is not None and mul(L, point) == IDENTITY and mul(8, point) != IDENTITY
    if valid:
        assert PublicKey(raw).raw == raw
    else:
        with pytest.raises(SignatureError):
            PublicKey(raw)


def test_public_key_behaves_like_its_bytes() -> None:
    key = PublicKey(A_KEY)
    assert bytes(key) == A_KEY
    assert key.hex() == A_KEY.hex()
    assert repr(key) == f"PublicKey({A_KEY.hex()})"
    assert PublicKey.from_hex(A_KEY.hex()) == key
    assert hash(PublicKey(bytes(A_KEY))) == hash(key)
    other = Identity.from_seed("b", b"\x08" * 32).key
    assert key != other
    assert key != A_KEY  # not equal to raw bytes
    assert sorted([other, key]) == sorted([key, other])


@pytest.mark.parametrize("text", ["", "zz" * 32, "00" * 32, A_KEY.hex()[:-2], None, 7])
def test_public_key_from_hex_refuses_bad_text(text: Any) -> None:
    with pytest.raises(SignatureError):
        PublicKey.from_hex(text)


# RFC 8032 §7.1, TEST 1 and TEST 2.
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("seed", "public", "message", "signature"), RFC8032)
def test_rfc8032_known_answers(seed: str, public: str, message: str, signature: str) -> None:
    identity = Identity.from_seed("rfc", bytes.fromhex(seed))
    assert identity.key.hex() == public
    identity.key.verify(bytes.fromhex(message), bytes.fromhex(signature))
    with pytest.raises(SignatureError):
        identity.key.verify(bytes.fromhex(message) + b"\x00", bytes.fromhex(signature))


@pytest.mark.parametrize("sig", [b"", bytes(63), bytes(65), "00" * 64, None])
def test_verify_refuses_malformed_signatures(sig: Any) -> None:
    with pytest.raises(SignatureError):
        PublicKey(A_KEY).verify(b"m", sig)


def test_verify_refuses_a_non_bytes_message() -> None:
    identity = Identity.from_seed("a", b"\x07" * 32)
    sig = identity.sign_digest(Digest(bytes(32)))
    with pytest.raises(SignatureError):
        identity.key.verify("not bytes", sig)  # type: ignore[arg-type]


# --- parties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "alice", "Zoë", "a b", "x" * 64, "名前"])
def test_party_names_accepted(name: str) -> None:
    party = Party(name, PublicKey(A_KEY))
    assert str(party) == name
    assert decode(party.encoded) == party


BAD_NAMES = ["", "x" * 65, " alice", "alice ", "a\nb", "tab\t", "\x00", b"alice", None, 3]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_party_names_refused(name: Any) -> None:
    with pytest.raises(EncodingError, match="party name"):
        Party(name, PublicKey(A_KEY))
    with pytest.raises(EncodingError, match="party name"):
        Identity.generate(name)


@pytest.mark.parametrize("name", [" alice", ""])
def test_from_seed_refuses_bad_names_with_encoding_error(name: str) -> None:
    with pytest.raises(EncodingError, match="party name"):
        Identity.from_seed(name, b"\x07" * 32)


def test_party_needs_a_public_key() -> None:
    with pytest.raises(TypeError):
        Party("alice", A_KEY)  # type: ignore[arg-type]


def test_parties_with_one_key_and_two_names_differ() -> None:
    a, b = Party("a", PublicKey(A_KEY)), Party("b", PublicKey(A_KEY))
    assert a != b
    assert a.key == b.key
    assert a.id != b.id


# --- identities ------------------------------------------------------------------------------


def test_from_seed_is_deterministic_and_generate_is_not() -> None:
    seed = bytes(range(32))
    assert Identity.from_seed("a", seed).key == Identity.from_seed("b", seed).key
    assert Identity.from_seed("a", seed).key != Identity.from_seed("a", seed[::-1]).key
    one, two = Identity.generate("x"), Identity.generate("x")
    assert one.key != two.key
    assert one.party == Party("x", one.key)


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33), bytearray(32), "00" * 32, None])
def test_from_seed_refuses_bad_seeds(seed: Any) -> None:
    with pytest.raises(SignatureError, match="seed"):
        Identity.from_seed("a", seed)


def test_signatures_verify_with_an_independent_verifier() -> None:
    identity = Identity.from_seed("a", b"\x07" * 32)
    digest = Digest(bytes(range(32)))
    sig = identity.sign_digest(digest)
    assert len(sig) == 64
    assert sig == identity.sign_digest(digest)  # Ed25519 is deterministic
    nacl.signing.VerifyKey(identity.key.raw).verify(digest.raw, sig)
    identity.key.verify(digest.raw, sig)


def test_identity_never_shows_or_encodes_its_secret() -> None:
    seed = bytes(range(32))
    identity = Identity.from_seed("alice", seed)
    assert seed.hex() not in repr(identity)
    assert seed.hex()[:16] not in repr(identity)
    assert "alice" in repr(identity)
    with pytest.raises(EncodingError):
        encode(identity)  # type: ignore[arg-type]


# --- key files -------------------------------------------------------------------------------

SEED = bytes(range(100, 132))


@pytest.fixture
def identity() -> Identity:
    return Identity.from_seed("alice", SEED)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_save_writes_an_owner_only_file(tmp_path: Path, identity: Identity, umask: int) -> None:
    old = os.umask(umask)
    try:
        path = identity.save(tmp_path / "alice.key")
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    data = json.loads(path.read_text(encoding="ascii"))
    assert data == {
        "format": "oddsproof-secret-key/v1",
        "name": "alice",
        "public": identity.key.hex(),
        "seed": SEED.hex(),
    }


def test_save_then_load_round_trips(tmp_path: Path, identity: Identity) -> None:
    loaded = Identity.load(identity.save(tmp_path / "k"))
    assert loaded.key == identity.key
    assert loaded.party == identity.party
    digest = Digest(bytes(32))
    assert loaded.sign_digest(digest) == identity.sign_digest(digest)
    assert Identity.load(str(tmp_path / "k")).key == identity.key  # str paths too


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path, identity: Identity) -> None:
    path = tmp_path / "k"
    path.write_text("precious")
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="cannot create") as info:
        identity.save(path)
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, OddsproofError)
    assert path.read_text() == "precious"
    identity.save(path, overwrite=True)
    assert _mode(path) == 0o600  # tightened even though the old file was 0644
    assert Identity.load(path).key == identity.key


def test_save_into_a_missing_directory(tmp_path: Path, identity: Identity) -> None:
    with pytest.raises(KeyFileError):
        identity.save(tmp_path / "missing" / "k")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o620, 0o602, 0o610, 0o644, 0o666])
def test_load_refuses_files_others_can_access(
    tmp_path: Path, identity: Identity, mode: int
) -> None:
    path = identity.save(tmp_path / "k")
    path.chmod(mode)
    with pytest.raises(KeyFileError, match="chmod 600"):
        Identity.load(path)


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_load_accepts_owner_only_modes(tmp_path: Path, identity: Identity, mode: int) -> None:
    path = identity.save(tmp_path / "k")
    path.chmod(mode)
    assert Identity.load(path).key == identity.key


def _good(identity: Identity) -> dict[str, Any]:
    return {
        "format": "oddsproof-secret-key/v1",
        "name": identity.name,
        "public": identity.key.hex(),
        "seed": SEED.hex(),
    }


OTHER_PUBLIC = Identity.from_seed("x", b"\x09" * 32).key.hex()
DAMAGED: list[tuple[str, Any]] = [
    ("truncated JSON", lambda g: json.dumps(g)[:-5]),
    ("not JSON", lambda g: "seed = 00"),
    ("empty file", lambda g: ""),
    ("a JSON list", lambda g: json.dumps([g])),
    ("wrong format", lambda g: json.dumps({**g, "format": "oddsproof-secret-key/v2"})),
    ("no format", lambda g: json.dumps({k: v for k, v in g.items() if k != "format"})),
    ("no seed", lambda g: json.dumps({k: v for k, v in g.items() if k != "seed"})),
    ("no public key", lambda g: json.dumps({k: v for k, v in g.items() if k != "public"})),
    ("no name", lambda g: json.dumps({k: v for k, v in g.items() if k != "name"})),
    ("seed not hex", lambda g: json.dumps({**g, "seed": "zz" * 32})),
    ("seed too short", lambda g: json.dumps({**g, "seed": g["seed"][:-2]})),
    ("seed a number", lambda g: json.dumps({**g, "seed": 5})),
    ("public key mismatched", lambda g: json.dumps({**g, "public": OTHER_PUBLIC})),
    ("public key small order", lambda g: json.dumps({**g, "public": "00" * 32})),
    ("public key not hex", lambda g: json.dumps({**g, "public": "?"})),
    ("bad name", lambda g: json.dumps({**g, "name": " alice"})),
    ("name a number", lambda g: json.dumps({**g, "name": 1})),
]


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGED], ids=[d[0] for d in DAMAGED])
def test_load_refuses_damaged_files(tmp_path: Path, identity: Identity, damage: Any) -> None:
    path = tmp_path / "k"
    path.write_text(damage(_good(identity)), encoding="ascii")
    path.chmod(0o600)
    with pytest.raises(KeyFileError) as info:
        Identity.load(path)
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, OddsproofError)


def test_load_refuses_non_ascii_files(tmp_path: Path, identity: Identity) -> None:
    path = tmp_path / "k"
    path.write_bytes(json.dumps({**_good(identity), "name": "Zoë"}, ensure_ascii=False).encode())
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="ASCII"):
        Identity.load(path)


def test_load_accepts_escaped_non_ascii_names(tmp_path: Path) -> None:
    zoe = Identity.from_seed("Zoë", SEED)
    assert Identity.load(zoe.save(tmp_path / "k")).name == "Zoë"


@pytest.mark.parametrize("where", ["missing", "directory"])
def test_load_refuses_missing_files_and_directories(tmp_path: Path, where: str) -> None:
    path = tmp_path / "k"
    if where == "directory":
        path.mkdir(mode=0o700)
    with pytest.raises(KeyFileError, match="cannot read"):
        Identity.load(path)


def test_load_refuses_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("[" * 100_000, encoding="ascii")
    path.chmod(0o600)
    with pytest.raises(KeyFileError):
        Identity.load(path)
