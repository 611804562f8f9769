"""Canonical encoding: every object round-trips, and the strict decoder refuses everything else.

The refused forms are hand-built byte strings, each a minimal change to a valid encoding (a
``Domain`` unless noted), so a test cannot pass because its bytes were broken in some other way:
``test_the_builder_reproduces_a_valid_encoding`` is the control.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from typing import Any

import attrs
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import (
    Agreed,
    Allocation,
    Case,
    Claim,
    Close,
    Computation,
    Pay,
    Ruling,
    Seq,
    Settlement,
    Shape,
    Statement,
    TraceCommitment,
    When,
)
from oddsproof.errors import EncodingError, InvalidArgument, OddsproofError, SignatureError
from oddsproof.wire import (
    DEFAULT_MAX_SIZE,
    INT_LIMIT,
    Canonical,
    Digest,
    Domain,
    Party,
    PublicKey,
    Signed,
    canonical,
    decode,
    decode_primitive,
    encode,
    registered_kinds,
    to_json,
    to_primitive,
)
from tests.strategies import (
    IDENTITIES,
    canonical_objects,
    digests,
    objects_by_kind,
)

ALICE, BOB = IDENTITIES[0], IDENTITIES[1]
DECODE_ERRORS = (EncodingError, SignatureError)  # see test_decode_refuses_bad_embedded_key...

# ---------------------------------------------------------------------------------------------
# A tiny CBOR writer that does exactly what it is told: no sorting, any integer width.

WIDTHS = {1: 24, 2: 25, 4: 26, 8: 27}


def head(major: int, n: int, width: int | None = None) -> bytes:
    """The initial byte(s) of an item; ``width`` forces 0 (inline), 1, 2, 4 or 8 extra bytes."""
    if width is None:
        width = next(
            w
            for w, limit in ((0, 24), (1, 256), (2, 1 << 16), (4, 1 << 32), (8, 1 << 64))
            if n < limit
        )
    if width == 0:
        return bytes([major << 5 | n])
    return bytes([major << 5 | WIDTHS[width]]) + n.to_bytes(width, "big")


def uint(n: int, width: int | None = None) -> bytes:
    return head(0, n, width)


def text(s: str, width: int | None = None) -> bytes:
    raw = s.encode()
    return head(3, len(raw), width) + raw


def bstr(b: bytes, width: int | None = None) -> bytes:
    return head(2, len(b), width) + b


def array(*items: bytes, width: int | None = None) -> bytes:
    return head(4, len(items), width) + b"".join(items)


def cmap(*pairs: tuple[bytes, bytes], width: int | None = None) -> bytes:
    return head(5, len(pairs), width) + b"".join(k + v for k, v in pairs)


def domain_pairs(
    *,
    v: bytes = b"\x01",
    kind: bytes | None = None,
    network: bytes | None = None,
    protocol: bytes = b"\x01",
) -> list[tuple[bytes, bytes]]:
    """The four entries of ``Domain("test")`` in canonical order, any value replaceable."""
    return [
        (text("v"), v),
        (text("kind"), text("domain") if kind is None else kind),
        (text("network"), text("test") if network is None else network),
        (text("protocol"), protocol),
    ]


def domain_map(**values: bytes) -> bytes:
    return cmap(*domain_pairs(**values))


VALID = Domain("test").encoded


def test_the_builder_reproduces_a_valid_encoding() -> None:
    assert domain_map() == VALID
    assert decode(VALID) == Domain("test")
    assert _party_map() == ALICE.party.encoded
    assert _agreed_map(array(_party_map())) == Agreed((ALICE.party,)).encoded


def _party_map(key: bytes | None = None, name: bytes | None = None) -> bytes:
    return cmap(
        (text("v"), uint(1)),
        (text("key"), bstr(ALICE.key.raw) if key is None else key),
        (text("kind"), text("party")),
        (text("name"), text("alice") if name is None else name),
    )


def _agreed_map(parties: bytes) -> bytes:
    return cmap((text("v"), uint(1)), (text("kind"), text("agreed")), (text("parties"), parties))


P = _party_map()
pairs = domain_pairs()

REFUSED: list[tuple[str, bytes, str]] = [
    # keys out of order, or twice
    ("unsorted keys (kind before v)", cmap(pairs[1], pairs[0], pairs[2], pairs[3]), "canonical"),
    ("keys sorted as plain strings", cmap(pairs[1], pairs[2], pairs[3], pairs[0]), "canonical"),
    ("duplicate key, same value", cmap(pairs[0], pairs[0], *pairs[1:]), "duplicate"),
    ("duplicate key, other value", cmap(pairs[0], (text("v"), uint(2)), *pairs[1:]), "duplicate"),
    # integers and lengths not in shortest form
    *[
        (f"integer 1 in {w} extra bytes", domain_map(protocol=uint(1, w)), "canonical")
        for w in (1, 2, 4, 8)
    ],
    ("integer 23 in 1 byte", domain_map(protocol=uint(23, 1)), "canonical"),
    ("integer 255 in 2 bytes", domain_map(protocol=uint(255, 2)), "canonical"),
    ("integer 65535 in 4 bytes", domain_map(protocol=uint(65535, 4)), "canonical"),
    ("integer 2**32-1 in 8 bytes", domain_map(protocol=uint(2**32 - 1, 8)), "canonical"),
    ("text length in 1 byte", domain_map(network=text("test", 1)), "canonical"),
    ("text length in 8 bytes", domain_map(network=text("test", 8)), "canonical"),
    ("map length in 1 byte", cmap(*pairs, width=1), "canonical"),
    ("bytes length in 2 bytes", _party_map(key=bstr(ALICE.key.raw, 2)), "canonical"),
    ("array length in 1 byte", _agreed_map(array(P, width=1)), "canonical"),
    # indefinite lengths
    ("indefinite map", b"\xbf" + b"".join(k + v for k, v in pairs) + b"\xff", "indefinite"),
    ("indefinite empty map", b"\xbf\xff", "indefinite"),
    (
        "indefinite text",
        domain_map(network=b"\x7f" + text("te") + text("st") + b"\xff"),
        "indefinite",
    ),
    ("indefinite bytes", _party_map(key=b"\x5f" + bstr(ALICE.key.raw) + b"\xff"), "indefinite"),
    ("indefinite array", _agreed_map(b"\x9f" + P + b"\xff"), "indefinite"),
    # trailing bytes
    ("trailing zero byte", VALID + b"\x00", "trailing"),
    ("trailing null", VALID + b"\xf6", "trailing"),
    ("trailing break", VALID + b"\xff", "trailing"),
    ("two objects", VALID + VALID, "trailing"),
    # floats and NaN
    ("half float 1.0", domain_map(protocol=b"\xf9\x3c\x00"), "floating-point"),
    ("single float 1.0", domain_map(protocol=b"\xfa\x3f\x80\x00\x00"), "floating-point"),
    ("double float 1.0", domain_map(protocol=b"\xfb\x3f\xf0" + bytes(6)), "floating-point"),
    ("half NaN", domain_map(protocol=b"\xf9\x7e\x00"), "floating-point"),
    ("double NaN", domain_map(protocol=b"\xfb\x7f\xf8" + bytes(6)), "floating-point"),
    ("half infinity", domain_map(protocol=b"\xf9\x7c\x00"), "floating-point"),
    ("negative zero", domain_map(v=b"\xf9\x80\x00"), "floating-point"),
    # tags (known to cbor2 or not)
    ("tag 1 epoch time", domain_map(protocol=b"\xc1" + uint(0, 4)), "not allowed"),
    ("tag 0 date text", domain_map(network=b"\xc0" + text("2013-03-21T20:04:00Z")), "not allowed"),
    ("tag 2 small bignum", domain_map(protocol=b"\xc2" + bstr(b"\x01")), "canonical"),
    ("tag 2 bignum 2**64", domain_map(protocol=b"\xc2" + bstr(b"\x01" + bytes(8))), "outside"),
    ("tag 3 negative bignum", domain_map(protocol=b"\xc3" + bstr(b"\x00")), "outside"),
    ("tag 32 URI", domain_map(network=b"\xd8\x20" + text("http://x")), "not allowed"),
    ("tag 258 set", domain_map(protocol=b"\xd9\x01\x02" + array()), "not allowed"),
    ("unknown tag 40000", domain_map(protocol=b"\xd9\x9c\x40" + uint(1)), "not allowed"),
    ("self-described CBOR prefix", b"\xd9\xd9\xf7" + VALID, "not allowed"),
    ("tag 28 shareable", b"\xd8\x1c" + VALID, "canonical"),
    # simple values
    ("undefined", domain_map(protocol=b"\xf7"), "not allowed"),
    ("simple value 16", domain_map(protocol=b"\xf0"), "not allowed"),
    ("simple value 255", domain_map(protocol=b"\xf8\xff"), "not allowed"),
    ("simple value 24 in two bytes", domain_map(protocol=b"\xf8\x18"), "malformed"),
    ("null in a text field", domain_map(network=b"\xf6"), "expected text"),
    ("true in an integer field", domain_map(protocol=b"\xf5"), "expected an integer"),
    ("true as version", domain_map(v=b"\xf5"), "lacks"),
    # integers outside 0 <= i < 2**63
    ("integer 2**63", domain_map(protocol=uint(2**63)), "outside"),
    ("integer 2**64-1", domain_map(protocol=uint(2**64 - 1)), "outside"),
    ("integer -1", domain_map(protocol=b"\x20"), "outside"),
    ("integer -2**63", domain_map(protocol=b"\x3b" + (2**63 - 1).to_bytes(8, "big")), "outside"),
    ("integer -2**64", domain_map(protocol=b"\x3b" + b"\xff" * 8), "outside"),
    ("negative version", domain_map(v=b"\x20"), "outside"),
    # kinds, versions, fields
    ("unknown kind", domain_map(kind=text("nope")), "unknown kind"),
    ("unknown version", domain_map(v=uint(2)), "unknown version"),
    ("version 0", domain_map(v=uint(0)), "unknown version"),
    ("kind is not text", domain_map(kind=bstr(b"domain")), "lacks"),
    ("no kind", cmap(pairs[0], pairs[2], pairs[3]), "lacks"),
    ("no version", cmap(pairs[1], pairs[2], pairs[3]), "lacks"),
    ("missing field", cmap(*pairs[:3]), "missing fields"),
    ("extra field", cmap(pairs[0], pairs[1], (text("extra"), uint(1)), *pairs[2:]), "unexpected"),
    ("non-text map key", cmap((uint(0), uint(0)), *pairs), "map key"),
    ("bytes map key", cmap((bstr(b"v"), uint(1)), *pairs[1:]), "map key"),
    ("bytes in a text field", domain_map(network=bstr(b"test")), "expected text"),
    ("text in an integer field", domain_map(protocol=text("1")), "expected an integer"),
    ("field value refused by its validator", domain_map(protocol=uint(0)), "protocol"),
    ("empty network name", domain_map(network=text("")), "network"),
    ("top level integer", uint(1), "object map"),
    ("top level array", array(VALID), "object map"),
    ("top level text", text("domain"), "object map"),
    ("top level null", b"\xf6", "object map"),
    ("nested object of the wrong kind", _agreed_map(array(VALID)), "expected Party"),
    ("array where an object is due", _agreed_map(array(array())), "object map"),
    ("empty tuple refused by a validator", _agreed_map(array()), "parties"),
    # text that is not UTF-8
    ("invalid UTF-8", domain_map(network=b"\x64\xffest"), "malformed"),
    ("overlong UTF-8", domain_map(network=b"\x64\xc0\x80st"), "malformed"),
    ("UTF-8 surrogate", domain_map(network=b"\x63\xed\xa0\x80"), "malformed"),
    # truncation, breaks, reserved values, nesting and declared lengths
    ("truncated", VALID[:-1], "malformed"),
    ("lone break", b"\xff", "malformed"),
    ("reserved additional info 28", b"\x1c", "malformed"),
    ("arrays nested 10000 deep", b"\x81" * 10_000 + b"\x80", "depth"),
    ("maps nested 1000 deep", text("a").join([b"\xa1"] * 1001) + b"\xa0", "depth"),
    ("bytes of declared length 2**64-1", b"\x5b" + b"\xff" * 8, "malformed"),
    ("text of declared length 2**63-1", b"\x7b\x7f" + b"\xff" * 7, "malformed"),
    ("array of declared length 2**64-1", b"\x9b" + b"\xff" * 8, "malformed"),
    ("map of declared length 2**32-1", b"\xba" + b"\xff" * 4, "malformed"),
]


@pytest.mark.parametrize(("data", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_decode_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(EncodingError, match=reason) as info:
        decode(data)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OddsproofError)


def test_refused_inputs_are_distinct() -> None:
    """Each case is its own byte string (a copy-paste slip would test one form twice)."""
    forms = [r[1] for r in REFUSED]
    assert len(set(forms)) == len(forms)


@pytest.mark.parametrize("bad", ["a4", 164, None, [0xA4], VALID.hex()])
def test_decode_refuses_non_bytes(bad: Any) -> None:
    with pytest.raises(EncodingError, match="expected bytes"):
        decode(bad)


def test_decode_accepts_other_byte_buffers() -> None:
    assert decode(bytearray(VALID)) == decode(memoryview(VALID)) == Domain("test")


def test_decode_refuses_empty_input() -> None:
    with pytest.raises(EncodingError, match="empty"):
        decode(b"")


def test_decode_size_limit_is_configurable() -> None:
    assert decode(VALID, max_size=len(VALID)) == Domain("test")
    with pytest.raises(EncodingError, match=f"exceeds the limit of {len(VALID) - 1}"):
        decode(VALID, max_size=len(VALID) - 1)
    with pytest.raises(EncodingError, match="exceeds"):
        decode_primitive(VALID, max_size=10)


def test_decode_default_size_limit_applies_before_parsing() -> None:
    # A byte string of valid CBOR integers, one byte over the limit: refused for its size.
    with pytest.raises(EncodingError, match=f"exceeds the limit of {DEFAULT_MAX_SIZE}"):
        decode(bytes(DEFAULT_MAX_SIZE + 1))
    big = Computation(
        "x",
        "1",
        Digest(bytes(32)),
        Shape.PARALLEL,
        1,
        0,
        cbor2.dumps(bytes(DEFAULT_MAX_SIZE - 16), canonical=True),
    )
    assert len(big.encoded) > DEFAULT_MAX_SIZE
    with pytest.raises(EncodingError, match="exceeds"):
        decode(big.encoded)
    assert decode(big.encoded, max_size=len(big.encoded)) == big


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "100", None])
def test_decode_refuses_bad_size_limits(limit: Any) -> None:
    with pytest.raises(EncodingError, match="max_size"):
        decode(VALID, max_size=limit)


def test_decode_checks_the_expected_class() -> None:
    assert decode(VALID, Domain) == Domain("test")
    with pytest.raises(EncodingError, match="expected Party, got kind 'domain'"):
        decode(VALID, Party)


def test_decode_primitive_returns_the_data_model() -> None:
    assert decode_primitive(VALID) == {"v": 1, "kind": "domain", "network": "test", "protocol": 1}
    assert decode_primitive(b"\xa0") == {}
    with pytest.raises(EncodingError, match="floating-point"):
        decode_primitive(b"\xf9\x3c\x00")


@pytest.mark.parametrize(
    "key", [bytes(32), b"\x01" + bytes(31), ALICE.key.raw[:31]], ids=["zero", "identity", "short"]
)
def test_decode_refuses_bad_embedded_key_with_encoding_error(key: bytes) -> None:
    with pytest.raises(EncodingError):
        decode(_party_map(key=bstr(key)))


# ---------------------------------------------------------------------------------------------
# Fuzzing: whatever the bytes, decode refuses them with a typed error or they are canonical.


def _decodes_only_canonical(data: bytes) -> None:
    try:
        obj = decode(data)
    except DECODE_ERRORS:
        return
    assert obj.encoded == data


@given(st.binary(max_size=300))
def test_random_bytes_never_escape_the_typed_errors(data: bytes) -> None:
    _decodes_only_canonical(data)


@given(canonical_objects, st.data())
def test_mutated_encodings_never_escape_the_typed_errors(
    obj: Canonical, data: st.DataObject
) -> None:
    encoded = obj.encoded
    i = data.draw(st.integers(0, len(encoded) - 1), label="at")
    j = data.draw(st.integers(i, min(len(encoded), i + 40)), label="to")
    patch = data.draw(st.binary(max_size=9), label="patch")
    _decodes_only_canonical(encoded[:i] + patch + encoded[j:])


# ---------------------------------------------------------------------------------------------
# Round trips


@given(canonical_objects)
def test_every_object_round_trips(obj: Canonical) -> None:
    data = encode(obj)
    again = decode(data)
    assert type(again) is type(obj)
    assert again == obj
    assert hash(again) == hash(obj)
    assert encode(again) == data == obj.encoded
    assert again.id == obj.id
    assert decode(data, type(obj)) == obj


REGISTERED = sorted(k for k in registered_kinds() if not k[0].startswith("bench-"))


def test_every_registered_kind_has_a_strategy() -> None:
    missing = [k for k in REGISTERED if registered_kinds()[k] not in objects_by_kind]
    assert not missing, f"add a strategy for {missing} to objects_by_kind in tests/strategies.py"


@pytest.mark.parametrize("kind", REGISTERED, ids=[f"{k}-v{v}" for k, v in REGISTERED])
@settings(max_examples=10)  # canonical_objects covers the core kinds more deeply
@given(data=st.data())
def test_each_kind_round_trips(kind: tuple[str, int], data: st.DataObject) -> None:
    cls = registered_kinds()[kind]
    if cls not in objects_by_kind:
        pytest.skip("no strategy (test_every_registered_kind_has_a_strategy fails)")
    obj = data.draw(objects_by_kind[cls])
    assert type(obj) is cls
    assert decode(obj.encoded, cls) == obj
    assert decode(obj.encoded).encoded == obj.encoded


# ---------------------------------------------------------------------------------------------
# The encoder against an independent reference


def reference_primitive(value: Any) -> Any:
    """The data model of a value, derived here from the attrs fields rather than the codec."""
    if isinstance(value, Canonical):
        out: dict[str, Any] = {"kind": value.KIND, "v": value.VERSION}
        for field in attrs.fields(type(value)):
            out[field.name] = reference_primitive(getattr(value, field.name))
        return out
    if isinstance(value, Digest | PublicKey):
        return value.raw
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [reference_primitive(v) for v in value]
    assert value is None or type(value) in (bool, int, str, bytes)
    return value


def _keys_in_encoded_order(value: Any) -> None:
    """RFC 8949 §4.2.1: map keys sorted by the bytewise order of their own encodings."""
    if isinstance(value, dict):
        keys = list(value)
        assert keys == sorted(keys, key=cbor2.dumps)
        for v in value.values():
            _keys_in_encoded_order(v)
    elif isinstance(value, list):
        for v in value:
            _keys_in_encoded_order(v)


@given(canonical_objects)
def test_the_generated_encoder_agrees_with_cbor2_canonical(obj: Canonical) -> None:
    reference = reference_primitive(obj)
    assert to_primitive(obj) == reference
    assert encode(obj) == cbor2.dumps(reference, canonical=True)
    # decode_primitive keeps the order of the stream: the keys are in deterministic order.
    _keys_in_encoded_order(decode_primitive(obj.encoded))


def test_key_order_is_length_first() -> None:
    keys = list(
        decode_primitive(
            Claim(
                Digest(bytes(32)),
                ALICE.party,
                Digest(bytes(32)),
                Digest(bytes(32)),
                Digest(bytes(32)),
                0,
                None,
                0,
            ).encoded
        )
    )
    assert keys == [
        "v",
        "kind",
        "input",
        "offer",
        "trace",
        "issued",
        "output",
        "claimant",
        "precision",
        "computation",
    ]


# ---------------------------------------------------------------------------------------------
# The encoder refuses values that have no canonical form


def _unchecked(cls: type[Canonical], *args: Any) -> Canonical:
    """An instance built with attrs validators switched off, as a buggy caller might."""
    with attrs.validators.disabled():
        return cls(*args)


D = Digest(bytes(32))


def _claim(**changes: Any) -> Claim:
    fields: dict[str, Any] = {
        "offer": D,
        "claimant": ALICE.party,
        "computation": D,
        "input": D,
        "output": D,
        "precision": 0,
        "trace": None,
        "issued": 0,
    }
    fields.update(changes)
    with attrs.validators.disabled():
        return Claim(**fields)


BAD_VALUES: list[tuple[str, Callable[[], Canonical], str]] = [
    ("amount -1", lambda: _unchecked(Pay, ALICE.party, BOB.party, -1), "outside"),
    ("amount 2**63", lambda: _unchecked(Pay, ALICE.party, BOB.party, INT_LIMIT), "outside"),
    ("amount 2**70", lambda: _unchecked(Pay, ALICE.party, BOB.party, 2**70), "outside"),
    ("amount True", lambda: _unchecked(Pay, ALICE.party, BOB.party, True), "bool"),
    ("amount 1.0", lambda: _unchecked(Pay, ALICE.party, BOB.party, 1.0), "float"),
    ("amount '1'", lambda: _unchecked(Pay, ALICE.party, BOB.party, "1"), "str"),
    ("issued 2**63", lambda: _claim(issued=INT_LIMIT), "outside"),
    ("protocol -5", lambda: _unchecked(Domain, "x", -5), "outside"),
    ("network bytes", lambda: _unchecked(Domain, b"x", 1), "bytes"),
    ("digest as raw bytes", lambda: _claim(offer=bytes(32)), "bytes"),
    ("party as a key", lambda: _claim(claimant=ALICE.key), "expected Party"),
    ("optional object of the wrong kind", lambda: _claim(trace=Close()), "TraceCommitment"),
    (
        "enum as its value",
        lambda: _unchecked(Computation, "x", "1", D, "parallel", 1, 0, b"\xa0"),
        "Shape",
    ),
    (
        "params as bytearray",
        lambda: _unchecked(Computation, "x", "1", D, Shape.SERIAL, 1, 0, bytearray(b"\xa0")),
        "bytearray",
    ),
    ("boolean as 1", lambda: _unchecked(Ruling, D, 1, None, None, D, 0, False, 0), "boolean"),
    (
        "optional digest as bytes",
        lambda: _unchecked(Ruling, D, True, bytes(32), None, D, 0, False, 0),
        "Digest",
    ),
    ("tuple as list", lambda: _unchecked(Agreed, [ALICE.party]), "tuple"),
    ("tuple holding a key", lambda: _unchecked(Agreed, (ALICE.key,)), "Party"),
    ("a term where a condition is due", lambda: _unchecked(Case, Close(), Close()), "Condition"),
    (
        "a condition where a term is due",
        lambda: _unchecked(Seq, Close(), Agreed((ALICE.party,))),
        "Term",
    ),
    ("coins holding an integer", lambda: _unchecked(Allocation, ALICE.party, 1, ("a", 1)), "int"),
    (
        "nested bad value",
        lambda: Settlement(D, 1, (_unchecked(Allocation, ALICE.party, 1, ("a", 1)),)),
        "int",
    ),
    (
        "signed body not canonical",
        lambda: _unchecked(Signed, D, Domain("x"), ()),
        "expected Canonical",
    ),
    ("when with a list of cases", lambda: _unchecked(When, [], 0, Close()), "tuple"),
]


@pytest.mark.parametrize(
    ("build", "reason"), [b[1:] for b in BAD_VALUES], ids=[b[0] for b in BAD_VALUES]
)
def test_encode_refuses_values_outside_the_data_model(
    build: Callable[[], Canonical], reason: str
) -> None:
    obj = build()
    with pytest.raises(EncodingError, match=reason):
        encode(obj)
    if not isinstance(obj, Signed):  # an envelope's id is its body's, not a hash of its bytes
        with pytest.raises(EncodingError, match=reason):
            obj.id  # the id hashes the encoding, so it is refused the same way
    with pytest.raises(EncodingError, match=reason):
        to_primitive(obj)


@pytest.mark.parametrize("value", [5, b"\xa0", D, {"kind": "domain"}, ALICE.key])
def test_encode_refuses_non_canonical_values(value: Any) -> None:
    with pytest.raises(EncodingError, match="not a canonical object"):
        encode(value)


def test_largest_integer_encodes() -> None:
    pay = Pay(ALICE.party, BOB.party, INT_LIMIT - 1)
    assert decode(pay.encoded) == pay
    assert b"\x1b\x7f\xff\xff\xff\xff\xff\xff\xff" in pay.encoded


@pytest.mark.parametrize(
    "build",
    [
        lambda: Pay(ALICE.party, BOB.party, INT_LIMIT),
        lambda: Claim(D, ALICE.party, D, D, D, 0, None, INT_LIMIT),
        lambda: Allocation(ALICE.party, INT_LIMIT),
    ],
    ids=["pay-amount", "claim-issued", "allocation-amount"],
)
def test_constructors_refuse_integers_outside_the_encoding_range(build: Callable[[], Any]) -> None:
    with pytest.raises(InvalidArgument):
        build()


@pytest.mark.parametrize(
    "coins", [["a"], ("a", 1), ("",), ("é",)], ids=["list", "int", "empty", "non-ascii"]
)
def test_allocation_validates_its_coins(coins: Any) -> None:
    with pytest.raises(InvalidArgument):
        Allocation(ALICE.party, 1, coins)


# ---------------------------------------------------------------------------------------------
# Nesting: what encodes must decode


def _nested(depth: int) -> Canonical:
    term: Canonical = Close()
    for _ in range(depth):
        term = Seq(term, Close())
    return term


def test_moderately_nested_objects_round_trip() -> None:
    obj = _nested(40)
    assert decode(obj.encoded) == obj


def test_encode_refuses_what_decode_would_refuse() -> None:
    obj = _nested(60)
    try:
        data = encode(obj)
    except EncodingError:
        return
    assert decode(data) == obj


def test_encode_of_a_very_deep_object_raises_a_typed_error() -> None:
    with pytest.raises(EncodingError):
        encode(_nested(5000))


# ---------------------------------------------------------------------------------------------
# JSON view


def _hexed(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_hexed(v) for v in value]
    if isinstance(value, dict):
        return {k: _hexed(v) for k, v in value.items()}
    return value


@given(canonical_objects)
def test_to_json_is_the_data_model_with_hex_bytes(obj: Canonical) -> None:
    view = to_json(obj)
    assert view == _hexed(reference_primitive(obj))
    assert json.loads(json.dumps(view)) == view


def test_to_json_shape_of_a_claim() -> None:
    trace_root = Digest(b"\xab" * 32)
    claim = Claim(
        Digest(b"\x01" * 32), ALICE.party, D, D, D, 24, TraceCommitment(trace_root, 10, 5), 7
    )
    view = to_json(claim)
    assert view["kind"] == "claim"
    assert view["v"] == 1
    assert view["offer"] == "01" * 32
    assert view["precision"] == 24
    assert view["issued"] == 7
    assert view["claimant"] == {"v": 1, "kind": "party", "name": "alice", "key": ALICE.key.hex()}
    assert view["trace"] == {
        "v": 1,
        "kind": "trace-commitment",
        "root": "ab" * 32,
        "steps": 10,
        "interval": 5,
    }
    assert set(view) == {"kind", "v"} | {f.name for f in attrs.fields(Claim)}
    assert to_json(Agreed((ALICE.party,)))["parties"][0]["name"] == "alice"
    assert to_json(Computation("x", "1", D, Shape.SERIAL, 1, 0))["shape"] == "serial"


def test_to_json_of_primitives() -> None:
    assert to_json({"a": b"\x01\xff", "b": [b"", True, None, 3, "t"]}) == {
        "a": "01ff",
        "b": ["", True, None, 3, "t"],
    }


# ---------------------------------------------------------------------------------------------
# Registration


@given(digests)
def test_statement_ids_use_the_statement_tag(d: Digest) -> None:
    s = Statement(d, d, d, 0)
    assert s.TAG == "oddsproof/statement/v1"
    assert s.id != Claim(d, ALICE.party, d, d, d, 0, None, 0).id


@pytest.mark.parametrize("kind", ["", "Claim", "my kind", "a_b", "claim/v2"])
def test_canonical_refuses_bad_kind_names(kind: str) -> None:
    with pytest.raises(EncodingError, match="kind"):
        canonical(kind)


@pytest.mark.parametrize("version", [0, -1, INT_LIMIT])
def test_canonical_refuses_bad_versions(version: int) -> None:
    with pytest.raises(EncodingError, match="version"):
        canonical("fine", version)


def test_canonical_refuses_a_second_registration_and_non_attrs_classes() -> None:
    before = registered_kinds()

    @attrs.frozen
    class Again(Canonical):
        x: int = 0

    with pytest.raises(TypeError, match="already registered"):
        canonical("party")(Again)

    class NotAttrs(Canonical):
        pass

    with pytest.raises(TypeError, match="attrs class"):
        canonical("not-attrs-for-tests")(NotAttrs)
    assert registered_kinds() == before


@pytest.mark.parametrize(
    ("kind", "version"),
    [("é", 1), ("x", True), ("x", 1.5)],
    ids=["non-ascii", "bool-version", "float-version"],
)
def test_canonical_refuses_non_ascii_kinds_and_non_integer_versions(
    kind: str, version: Any
) -> None:
    with pytest.raises(EncodingError):
        canonical(kind, version)
