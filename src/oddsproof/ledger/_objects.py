"""The content-addressed object store beside the journal: canonical objects stored under
their ids and named heads pointing at them, in the same atomic scopes as journal entries.

Every store (memory, SQLite) provides the primitives; :class:`ObjectStore` holds the checks.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import overload

from oddsproof.errors import EncodingError, StoreError, WrongType
from oddsproof.wire import Canonical, Digest, PublicKey, decode

from ._entries import MAX_TEXT, ObjT


def _check(value: object, tp: type, what: str) -> None:
    if not isinstance(value, tp):
        raise WrongType(f"{what} must be a {tp.__name__}, got {type(value).__name__}")


def _check_head_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_TEXT or not name.isprintable():
        raise WrongType(f"a head name is 1 to {MAX_TEXT} printable characters")
    return name


def _short(key: PublicKey | Digest) -> str:
    return key.raw.hex()[:16]


class _Atomic:
    """One all-or-nothing scope: the outermost is a transaction, inner ones are savepoints."""

    __slots__ = ("_depth", "_ledger")

    def __init__(self, ledger: ObjectStore) -> None:
        self._ledger = ledger
        self._depth = -1

    def __enter__(self) -> None:
        ledger = self._ledger
        depth = ledger._depth
        ledger._begin(depth)
        ledger._depth = depth + 1
        self._depth = depth

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        ledger = self._ledger
        ledger._depth = self._depth
        if exc_type is None:
            try:
                ledger._commit(self._depth)
            except BaseException:
                ledger._rollback(self._depth)
                raise
        else:
            ledger._rollback(self._depth)


class ObjectStore(abc.ABC):
    """Canonical objects by id, and named heads; atomic with the journal of its :class:`Ledger`."""

    def __init__(self) -> None:
        self._depth = 0

    @abc.abstractmethod
    def _begin(self, depth: int) -> None: ...
    @abc.abstractmethod
    def _commit(self, depth: int) -> None: ...
    @abc.abstractmethod
    def _rollback(self, depth: int) -> None: ...

    # -- objects and heads -----------------------------------------------------------------

    def put(self, obj: Canonical) -> Digest:
        """Store a canonical object under its id (content-addressed; storing twice is a no-op)."""
        _check(obj, Canonical, "obj")
        with _Atomic(self):
            self._put_object(obj.id, obj.KIND, obj.encoded)
        return obj.id

    def get_bytes(self, object_id: Digest) -> bytes | None:
        """The canonical bytes stored under ``object_id``."""
        _check(object_id, Digest, "object_id")
        return self._object(object_id)

    @overload
    def get(self, object_id: Digest) -> Canonical | None: ...
    @overload
    def get(self, object_id: Digest, expected: type[ObjT]) -> ObjT | None: ...
    def get(self, object_id: Digest, expected: type[Canonical] = Canonical) -> Canonical | None:
        """The object stored under ``object_id``, decoded; it must be an ``expected``."""
        data = self.get_bytes(object_id)
        if data is None:
            return None
        try:
            obj: Canonical = decode(data)
        except EncodingError as exc:
            raise StoreError(f"stored object {_short(object_id)} is damaged: {exc}") from exc
        if obj.id != object_id:
            raise StoreError(f"stored object {_short(object_id)} does not hash to its id")
        if not isinstance(obj, expected):
            raise WrongType(
                f"object {_short(object_id)} is a {obj.KIND}, not a {expected.__name__}"
            )
        return obj

    def set_head(self, name: str, object_id: Digest) -> None:
        """Point the named head (say, "the current state of contract X") at an object id."""
        _check_head_name(name)
        _check(object_id, Digest, "object_id")
        with _Atomic(self):
            self._set_head(name, object_id)

    def head(self, name: str) -> Digest | None:
        """Where the named head points, if it was ever set."""
        _check_head_name(name)
        return self._head(name)

    def heads(self) -> dict[str, Digest]:
        """Every head."""
        return dict(self._head_rows())

    @abc.abstractmethod
    def _object(self, object_id: Digest) -> bytes | None: ...
    @abc.abstractmethod
    def _object_ids(self) -> list[Digest]: ...
    @abc.abstractmethod
    def _put_object(self, object_id: Digest, kind: str, data: bytes) -> None: ...
    @abc.abstractmethod
    def _head(self, name: str) -> Digest | None: ...
    @abc.abstractmethod
    def _head_rows(self) -> list[tuple[str, Digest]]: ...
    @abc.abstractmethod
    def _set_head(self, name: str, object_id: Digest) -> None: ...
