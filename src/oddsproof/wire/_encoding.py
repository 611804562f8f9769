"""Canonical CBOR encoding of every signed or hashed object, and its strict decoder.

Objects are frozen attrs classes registered with :func:`canonical` under a kind and a version.
Each encodes as one CBOR map: the text keys ``kind`` and ``v`` plus one key per attrs field,
emitted in RFC 8949 §4.2.1 order, so the bytes are the deterministic encoding with no sorting at
run time. Field values are converted by their annotated types (integers, booleans, text, bytes,
digests, keys, enums, tuples, optionals, nested objects, and unions or base classes of nested
objects), which is why no class writes its own serialisation code.

Every integer in an encoded object must satisfy ``0 <= i < 2**63``: amounts, times, rounds and
counts are all non-negative, and the bound is the range of a SQLite integer. Larger protocol values
(a 256-bit win threshold, say) travel as fixed-size bytes.

The decoder accepts exactly the bytes the encoder would produce: anything else (unsorted or
duplicate keys, non-shortest integers, indefinite lengths, trailing bytes, floats, tags, simple
values, unknown kinds or versions, missing or extra fields, oversize input) raises
:class:`EncodingError`, and no exception of cbor2 ever escapes.
"""

from __future__ import annotations

import enum
import io
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Final, Generic, TypeVar, cast

import attrs
import cbor2

from oddsproof.errors import EncodingError, OddsproofError
from oddsproof.errors._validators import INT_LIMIT as _INT_LIMIT

from ._hashing import Digest, tagged_hash

INT_LIMIT: Final = _INT_LIMIT
"""Every encoded integer ``i`` satisfies ``0 <= i < INT_LIMIT``."""

DEFAULT_MAX_SIZE: Final = 1 << 20
"""Default byte limit for :func:`decode` (1 MiB)."""

MAX_DEPTH: Final = 48
"""Deepest container nesting the decoder accepts; contract terms nest, but not this far."""

Primitive = int | bool | str | bytes | None | list[Any] | dict[str, Any]
_Encoder = Callable[[Any], Any]
_Decoder = Callable[[Any], Any]

C = TypeVar("C", bound="Canonical")
V = TypeVar("V")


class cached(Generic[V]):
    """A read-once property stored in the instance ``__dict__``.

    Like :func:`functools.cached_property` without its per-access lock (Python 3.11 takes
    one), which costs more than the hash it guards. Values are immutable, so races are benign.
    """

    def __init__(self, fn: Callable[[Any], V]) -> None:
        self._fn = fn
        self._name = fn.__name__
        self.__doc__ = fn.__doc__

    @typing.overload
    def __get__(self, obj: None, owner: type | None = None) -> cached[V]: ...
    @typing.overload
    def __get__(self, obj: object, owner: type | None = None) -> V: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> V | cached[V]:
        if obj is None:
            return self
        value = self._fn(obj)
        obj.__dict__[self._name] = value
        return value


class Canonical:
    """Base of every canonically encoded object; subclasses are made with :func:`canonical`.

    The base deliberately has no ``__slots__``: its instance ``__dict__`` caches the canonical
    bytes and the id, which never change because the objects are frozen.
    """

    KIND: ClassVar[str]
    VERSION: ClassVar[int]
    TAG: ClassVar[str]
    """The hash tag of the kind, ``oddsproof/<kind>/v<version>``."""

    @cached
    def encoded(self) -> bytes:
        """The canonical CBOR bytes of this object."""
        return encode(self)

    @cached
    def id(self) -> Digest:
        """The tagged hash of the canonical bytes under this kind's tag."""
        return tagged_hash(self.TAG, self.encoded)

    def __bytes__(self) -> bytes:
        return self.encoded


@attrs.frozen
class _Spec:
    """How one class maps to a CBOR map; ``layout`` is in canonical key order."""

    cls: type[Canonical]
    layout: tuple[tuple[str, str, _Encoder, _Decoder], ...]
    key_set: frozenset[str]
    to_primitive: Callable[[Any], dict[str, Any]]
    depth: int | None
    """Most nested containers an encoding can have, or None when only a walk can tell."""


_REGISTRY: dict[tuple[str, int], type[Canonical]] = {}
_SPECS: dict[type[Canonical], _Spec] = {}
_LEAVES: dict[type, tuple[_Encoder, _Decoder]] = {}


def canonical(kind: str, version: int = 1) -> Callable[[type[C]], type[C]]:
    """Register an attrs class as the canonical object of ``kind`` at ``version``.

    Apply it outside ``@attrs.frozen``. Kinds are lowercase ASCII with dashes; a kind and
    version pair can be registered once.
    """
    if (
        not isinstance(kind, str)
        or not kind.isascii()
        or not kind
        or not all(ch.islower() or ch.isdigit() or ch == "-" for ch in kind)
    ):
        raise EncodingError(f"kind must be lowercase ASCII letters, digits and dashes: {kind!r}")
    if type(version) is not int or not 1 <= version < INT_LIMIT:
        raise EncodingError(f"version must be a positive integer: {version!r}")

    def register(cls: type[C]) -> type[C]:
        if not attrs.has(cls) or not issubclass(cls, Canonical):
            raise TypeError(f"{cls.__name__} must be an attrs class deriving from Canonical")
        if (kind, version) in _REGISTRY:
            raise TypeError(f"kind {kind!r} v{version} is already registered")
        cls.KIND = kind
        cls.VERSION = version
        cls.TAG = f"oddsproof/{kind}/v{version}"
        _REGISTRY[(kind, version)] = cls
        return cls

    return register


def register_leaf(
    cls: type, to_primitive: Callable[[Any], Any], from_primitive: Callable[[Any], Any]
) -> None:
    """Teach the codec a value type that encodes as one primitive (a key as its bytes, say).

    ``from_primitive`` must raise :class:`EncodingError` (or ``ValueError``/``TypeError``) on
    bad input.
    """
    _LEAVES[cls] = (to_primitive, from_primitive)


def registered_kinds() -> dict[tuple[str, int], type[Canonical]]:
    """Every registered (kind, version) and its class, for tools such as ``inspect``."""
    return dict(_REGISTRY)


def _key_order(key: str) -> tuple[int, bytes]:
    raw = key.encode("utf-8")
    return (len(raw), raw)


def _spec(cls: type[Canonical]) -> _Spec:
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _build_spec(cls)
        _SPECS[cls] = spec
    return spec


def _build_spec(cls: type[Canonical]) -> _Spec:
    if not hasattr(cls, "KIND") or _REGISTRY.get((cls.KIND, cls.VERSION)) is not cls:
        raise EncodingError(f"{cls.__name__} is not a registered canonical kind")
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cast(Any, cls)) if f.init]
    entries: list[tuple[str, str, _Encoder, _Decoder]] = []
    for f in fields:
        key = f.alias if f.alias else f.name
        if key in ("kind", "v"):
            raise TypeError(f"{cls.__name__}: field name {key!r} is reserved")
        enc, dec = _converters(hints[f.name], f"{cls.__name__}.{f.name}")
        entries.append((key, f.name, enc, dec))
    kind, version = cls.KIND, cls.VERSION
    entries.append(("kind", "", lambda _: kind, _ignore))
    entries.append(("v", "", lambda _: version, _ignore))
    layout = tuple(sorted(entries, key=lambda e: _key_order(e[0])))
    to_primitive = _generate_encoder(cls, layout, hints)
    depth = _type_depth(cls, frozenset())
    return _Spec(cls, layout, frozenset(e[0] for e in layout), to_primitive, depth)


def _type_depth(tp: Any, seen: frozenset[type]) -> int | None:
    """Static bound on container nesting for values of ``tp``; None if recursive or open."""
    origin = typing.get_origin(tp)
    if tp in (bool, int, str, bytes, type(None)) or tp in _LEAVES:
        return 0
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return 0
    if origin is typing.Annotated:
        return _type_depth(typing.get_args(tp)[0], seen)
    if origin is tuple or origin in (typing.Union, types.UnionType):
        inner = [_type_depth(a, seen) for a in typing.get_args(tp) if a is not Ellipsis]
        if any(d is None for d in inner):
            return None
        return (1 if origin is tuple else 0) + max((d for d in inner if d is not None), default=0)
    if isinstance(tp, type) and issubclass(tp, Canonical):
        registered = hasattr(tp, "KIND") and _REGISTRY.get((tp.KIND, tp.VERSION)) is tp
        if not registered or tp in seen:
            return None  # an abstract base (any subclass) or a recursive kind
        hints = typing.get_type_hints(tp)
        fields = [_type_depth(hints[f.name], seen | {tp}) for f in attrs.fields(cast(Any, tp))]
        if any(d is None for d in fields):
            return None
        return 1 + max((d for d in fields if d is not None), default=0)
    return None  # type variables, generic aliases


def _depth(value: Any) -> int:
    """Most nested containers in a primitive value (the measure cbor2's max_depth uses)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def _generate_encoder(
    cls: type[Canonical],
    layout: tuple[tuple[str, str, _Encoder, _Decoder], ...],
    hints: dict[str, Any],
) -> Callable[[Any], dict[str, Any]]:
    """Compile one function building the primitive map, as attrs compiles ``__init__``.

    Integers, bytes, text and digests are checked and converted inline (the hot path of every
    id); every other field calls its converter. The result equals the generic converters'.
    """
    namespace: dict[str, Any] = {"Digest": Digest, "LIMIT": INT_LIMIT, "_bad": _bad_field}
    items: list[str] = []
    for i, (key, name, enc, _) in enumerate(layout):
        if not name:
            namespace[f"c{i}"] = enc(None)
            items.append(f"{key!r}: c{i}")
            continue
        tp, get = hints[name], f"(v := obj.{name})"
        where = f"{cls.__name__}.{name}"
        if tp is int:
            check = f"type({get}) is int and 0 <= v < LIMIT"
            items.append(f"{key!r}: v if {check} else _bad({where!r}, v)")
        elif tp in (bytes, str):
            items.append(f"{key!r}: v if type({get}) is {tp.__name__} else _bad({where!r}, v)")
        elif tp is Digest:
            items.append(f"{key!r}: v.raw if type({get}) is Digest else _bad({where!r}, v)")
        else:
            namespace[f"e{i}"] = enc
            items.append(f"{key!r}: e{i}(obj.{name})")
    source = "def to_primitive(obj):\n    return {" + ", ".join(items) + "}\n"
    exec(compile(source, f"<oddsproof encoder {cls.__name__}>", "exec"), namespace)  # noqa: S102
    return cast(Callable[[Any], dict[str, Any]], namespace["to_primitive"])


def _bad_field(where: str, value: object) -> Any:
    if type(value) is int:
        raise EncodingError(f"{where}: integer {value} outside 0 <= i < 2**63")
    raise EncodingError(f"{where}: unexpected {type(value).__name__}")


def _ignore(value: Any) -> Any:
    return value


# ---------------------------------------------------------------------------------------------
# Type-driven converters


def _fail(where: str, expected: str, value: object) -> EncodingError:
    return EncodingError(f"{where}: expected {expected}, got {type(value).__name__}")


def _int_encoder(where: str) -> tuple[_Encoder, _Decoder]:
    def check(value: Any) -> int:
        if type(value) is not int:
            raise _fail(where, "an integer", value)
        if not 0 <= value < INT_LIMIT:
            raise EncodingError(f"{where}: integer {value} outside 0 <= i < 2**63")
        return value

    return check, check


def _exact(tp: type, where: str, label: str) -> tuple[_Encoder, _Decoder]:
    def check(value: Any) -> Any:
        if type(value) is not tp:
            raise _fail(where, label, value)
        return value

    return check, check


def _leaf(cls: type, where: str) -> tuple[_Encoder, _Decoder]:
    to_p, from_p = _LEAVES[cls]

    def enc(value: Any) -> Any:
        if not isinstance(value, cls):
            raise _fail(where, cls.__name__, value)
        return to_p(value)

    def dec(value: Any) -> Any:
        try:
            return from_p(value)
        except EncodingError:
            raise
        except (OddsproofError, TypeError, ValueError) as exc:  # a bad key is bad encoding here
            raise EncodingError(f"{where}: {exc}") from exc

    return enc, dec


def _enum(cls: type[enum.Enum], where: str) -> tuple[_Encoder, _Decoder]:
    def enc(value: Any) -> Any:
        if not isinstance(value, cls):
            raise _fail(where, cls.__name__, value)
        return value.value

    def dec(value: Any) -> Any:
        try:
            return cls(value)
        except ValueError as exc:
            raise EncodingError(f"{where}: {value!r} is not a {cls.__name__}") from exc

    return enc, dec


def _objects(base: type[Canonical] | None, where: str) -> tuple[_Encoder, _Decoder]:
    """Nested objects: one registered class, or any registered subclass of an abstract base."""
    label = base.__name__ if base is not None else "a canonical object"

    def enc(value: Any) -> Any:
        if not isinstance(value, Canonical) or (base is not None and not isinstance(value, base)):
            raise _fail(where, label, value)
        return _to_primitive(value)

    def dec(value: Any) -> Any:
        obj = _from_primitive(value)
        if base is not None and not isinstance(obj, base):
            raise EncodingError(f"{where}: expected {label}, got kind {obj.KIND!r}")
        return obj

    return enc, dec


def _union_of_objects(
    classes: tuple[type[Canonical], ...], where: str
) -> tuple[_Encoder, _Decoder]:
    label = " | ".join(c.__name__ for c in classes)

    def enc(value: Any) -> Any:
        if not isinstance(value, classes):
            raise _fail(where, label, value)
        return _to_primitive(value)

    def dec(value: Any) -> Any:
        obj = _from_primitive(value)
        if not isinstance(obj, classes):
            raise EncodingError(f"{where}: expected {label}, got kind {obj.KIND!r}")
        return obj

    return enc, dec


def _optional(inner: tuple[_Encoder, _Decoder]) -> tuple[_Encoder, _Decoder]:
    ienc, idec = inner
    return (lambda v: None if v is None else ienc(v)), (lambda v: None if v is None else idec(v))


def _homogeneous(inner: tuple[_Encoder, _Decoder], where: str) -> tuple[_Encoder, _Decoder]:
    ienc, idec = inner

    def enc(value: Any) -> Any:
        if type(value) is not tuple:
            raise _fail(where, "a tuple", value)
        return [ienc(v) for v in value]

    def dec(value: Any) -> Any:
        if type(value) is not list:
            raise _fail(where, "an array", value)
        return tuple(idec(v) for v in value)

    return enc, dec


def _fixed(parts: list[tuple[_Encoder, _Decoder]], where: str) -> tuple[_Encoder, _Decoder]:
    def enc(value: Any) -> Any:
        if type(value) is not tuple or len(value) != len(parts):
            raise _fail(where, f"a {len(parts)}-tuple", value)
        return [p[0](v) for p, v in zip(parts, value, strict=True)]

    def dec(value: Any) -> Any:
        if type(value) is not list or len(value) != len(parts):
            raise _fail(where, f"an array of {len(parts)}", value)
        return tuple(p[1](v) for p, v in zip(parts, value, strict=True))

    return enc, dec


def _converters(tp: Any, where: str) -> tuple[_Encoder, _Decoder]:
    origin = typing.get_origin(tp)
    if tp is bool:
        return _exact(bool, where, "a boolean")
    if tp is int:
        return _int_encoder(where)
    if tp is str:
        return _exact(str, where, "text")
    if tp is bytes:
        return _exact(bytes, where, "bytes")
    if isinstance(tp, TypeVar):
        bound = tp.__bound__
        return _objects(bound if isinstance(bound, type) else None, where)
    if isinstance(tp, type):
        if tp in _LEAVES:
            return _leaf(tp, where)
        if issubclass(tp, enum.Enum):
            return _enum(tp, where)
        if issubclass(tp, Canonical):
            return _objects(tp, where)
    if origin is typing.Annotated:
        return _converters(typing.get_args(tp)[0], where)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return _homogeneous(_converters(args[0], where + "[]"), where)
        return _fixed([_converters(a, f"{where}[{i}]") for i, a in enumerate(args)], where)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        rest = tuple(a for a in args if a is not type(None))
        if len(rest) < len(args):
            inner = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
            return _optional(_converters(inner, where))
        if all(isinstance(a, type) and issubclass(a, Canonical) for a in rest):
            return _union_of_objects(cast(tuple[type[Canonical], ...], rest), where)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Canonical):
        return _objects(origin, where)  # a generic canonical class such as Signed[Claim]
    raise TypeError(f"{where}: no canonical encoding for type {tp!r}")


# ---------------------------------------------------------------------------------------------
# Objects <-> primitives


def _to_primitive(obj: Canonical) -> dict[str, Any]:
    spec = _SPECS.get(type(obj)) or _spec(type(obj))
    return spec.to_primitive(obj)


def _from_primitive(value: Any) -> Canonical:
    if type(value) is not dict:
        raise EncodingError(f"expected an object map, got {type(value).__name__}")
    kind, version = value.get("kind"), value.get("v")
    if type(kind) is not str or type(version) is not int:
        raise EncodingError("object map lacks a text 'kind' and an integer 'v'")
    cls = _REGISTRY.get((kind, version))
    if cls is None:
        if any(k == kind for k, _ in _REGISTRY):
            raise EncodingError(f"unknown version {version} of kind {kind!r}")
        raise EncodingError(f"unknown kind {kind!r}")
    spec = _spec(cls)
    if value.keys() != spec.key_set:
        missing = sorted(spec.key_set - value.keys())
        extra = sorted(value.keys() - spec.key_set)
        raise EncodingError(f"{kind}: missing fields {missing}, unexpected fields {extra}")
    kwargs = {name: dec(value[key]) for key, name, _, dec in spec.layout if name}
    try:
        return cls(**kwargs)
    except OddsproofError as exc:
        if isinstance(exc, EncodingError):
            raise
        raise EncodingError(f"{kind}: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise EncodingError(f"{kind}: {exc}") from exc


def to_primitive(obj: Canonical) -> dict[str, Any]:
    """The CBOR data model of ``obj``: nested dicts, lists, ints, text, bytes, bools, None."""
    try:
        return _to_primitive(obj)
    except RecursionError as exc:
        raise EncodingError(f"{obj.KIND} nests too deeply") from exc


def encode(obj: Canonical) -> bytes:
    """The canonical bytes of a registered object. Raises :class:`EncodingError` on bad values."""
    if not isinstance(obj, Canonical):
        raise EncodingError(f"not a canonical object: {type(obj).__name__}")
    spec = _SPECS.get(type(obj)) or _spec(type(obj))
    try:
        primitive = spec.to_primitive(obj)
    except RecursionError as exc:
        raise EncodingError(f"{obj.KIND} nests too deeply to encode") from exc
    if (spec.depth is None or spec.depth > MAX_DEPTH) and _depth(primitive) > MAX_DEPTH:
        raise EncodingError(
            f"{obj.KIND} nests more than {MAX_DEPTH} levels; decode would refuse it"
        )
    # Every value in the primitive map was type-checked while building it, so cbor2 can only
    # see ints, bytes, text, bools, None, lists and dicts: it has nothing left to refuse.
    encoded: bytes = cbor2.dumps(primitive)
    return encoded


def _check_items(value: Any) -> None:
    """Reject every CBOR item outside our data model (depth is bounded by the decoder)."""
    kind = type(value)
    if kind is int:
        if not 0 <= value < INT_LIMIT:
            raise EncodingError(f"integer {value} outside 0 <= i < 2**63")
    elif kind is list:
        for item in value:
            _check_items(item)
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise EncodingError(f"map key of type {type(key).__name__}; only text keys")
            _check_items(item)
    elif kind is float:
        raise EncodingError("floating-point values (and NaN) are not allowed")
    elif kind not in (str, bytes, bool, type(None)):
        raise EncodingError(f"CBOR item {kind.__name__} is not allowed (tags, simple values)")


def decode_primitive(data: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> Any:
    """Strictly decode canonical CBOR to its data model, without interpreting objects."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EncodingError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if type(max_size) is not int or max_size < 1:
        raise EncodingError(f"max_size must be a positive integer, got {max_size!r}")
    if len(data) > max_size:
        raise EncodingError(f"input of {len(data)} bytes exceeds the limit of {max_size}")
    if not data:
        raise EncodingError("empty input")
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream, allow_indefinite=False, allow_duplicate_keys=False, max_depth=MAX_DEPTH
        )
        value = decoder.decode()
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        if "duplicate" in reason.lower():
            raise EncodingError(f"duplicate map key: {reason}") from exc
        if "indefinite" in reason.lower():
            raise EncodingError(f"indefinite-length item: {reason}") from exc
        raise EncodingError(f"malformed CBOR: {reason}") from exc
    if stream.tell() != len(data):
        raise EncodingError(f"{len(data) - stream.tell()} trailing bytes after the object")
    _check_items(value)
    try:
        again = cbor2.dumps(value, canonical=True)
    except Exception as exc:
        raise EncodingError(f"cannot re-encode: {exc}") from exc
    if again != data:
        raise EncodingError(f"not canonical: {_diagnose(data)}")
    return value


def _diagnose(data: bytes) -> str:
    """Name the first non-canonical item of well-formed CBOR (only on the refusal path)."""
    pos = 0

    def head() -> tuple[int, int, int]:
        nonlocal pos
        start, initial = pos, data[pos]
        major, info = initial >> 5, initial & 0x1F
        pos += 1
        if info < 24:
            return major, info, start
        width = 1 << (info - 24)
        value = int.from_bytes(data[pos : pos + width], "big")
        pos += width
        if major != 7 and value < (24 if width == 1 else 1 << (4 * width)):
            raise _Found(f"integer or length {value} at byte {start} not in shortest form")
        return major, value, start

    def item() -> bytes:
        nonlocal pos
        major, value, start = head()
        if major == 6:
            raise _Found(f"tag {value} at byte {start}: tags are not allowed")
        if major in (2, 3):
            pos += value
        elif major == 4:
            for _ in range(value):
                item()
        elif major == 5:
            previous: bytes | None = None
            for _ in range(value):
                key = item()
                if previous is not None and (len(key), key) <= (len(previous), previous):
                    raise _Found(f"map keys at byte {start} are unsorted or repeated")
                previous = key
                item()
        return data[start:pos]

    try:
        item()
    except _Found as found:
        return str(found)
    except IndexError:  # pragma: no cover - the strict decoder already parsed it
        return "truncated item"
    return "the canonical re-encoding differs"


class _Found(Exception):
    """Carries the first finding out of the diagnostic walk."""


def decode(data: bytes, expected: type[C] | None = None, *, max_size: int = DEFAULT_MAX_SIZE) -> C:
    """Decode canonical bytes to the registered object they encode.

    With ``expected``, the object must be an instance of that class. Every failure raises
    :class:`EncodingError`.
    """
    obj = _from_primitive(decode_primitive(data, max_size=max_size))
    if expected is not None and not isinstance(obj, expected):
        raise EncodingError(f"expected {expected.__name__}, got kind {obj.KIND!r}")
    return cast(C, obj)


def to_json(obj: Canonical | Primitive) -> Any:
    """A JSON-ready view: objects as maps, bytes as lowercase hex strings."""
    value = to_primitive(obj) if isinstance(obj, Canonical) else obj
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


register_leaf(Digest, lambda d: d.raw, lambda b: Digest(b) if type(b) is bytes else _bad_digest(b))


def _bad_digest(value: object) -> Digest:
    raise EncodingError(f"a digest is 32 bytes, got {type(value).__name__}")
