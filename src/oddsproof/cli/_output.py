"""What every command shares: the exit codes, the one-line usage error, text-or-JSON output,
bounded input reading and the ``--json`` flag. Command modules import this, never ``_main``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

from oddsproof.errors import EncodingError

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70


class UsageError(Exception):
    """Bad command-line input; reported on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports errors on one line instead of usage plus message."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (try --help)")


class Output:
    """Where a command writes: human text, or one JSON document with ``--json``."""

    def __init__(self, *, as_json: bool, stream: TextIO) -> None:
        self.as_json = as_json
        self._stream = stream

    def text(self, line: str = "") -> None:
        """A line of human-readable output (suppressed under ``--json``)."""
        if not self.as_json:
            print(line, file=self._stream)

    def json(self, document: Any) -> None:
        """The machine-readable result (printed only under ``--json``)."""
        if self.as_json:
            print(json.dumps(document, indent=2, sort_keys=True), file=self._stream)


Handler = Callable[[argparse.Namespace, Output], int]


def read_input(
    path: str, *, limit: int | None, hex_text: bool = False, command: str = "oddsproof"
) -> bytes:
    """The bytes of ``path`` (``-``: standard input), never reading more than ``limit`` + 1.

    With ``hex_text`` the input is hexadecimal text (whitespace around it ignored). Oversize
    input is refused before it is parsed, so the message says "too large", not "not hex".
    """
    if limit is not None and limit < 1:
        raise UsageError(f"{command}: --max-size must be positive")
    budget = None if limit is None else (2 * limit + 2 if hex_text else limit) + 1
    if path == "-":
        raw = sys.stdin.buffer.read() if budget is None else sys.stdin.buffer.read(budget)
    else:
        with Path(path).open("rb") as handle:
            raw = handle.read() if budget is None else handle.read(budget)
    if hex_text:
        text = raw.strip()
        if limit is not None and len(text) > 2 * limit:
            raise EncodingError(f"{path}: input exceeds the limit of {limit} bytes")
        try:
            raw = bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise EncodingError("--hex input is not hexadecimal text") from exc
    if limit is not None and len(raw) > limit:
        raise EncodingError(f"{path}: input exceeds the limit of {limit} bytes")
    return raw


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The ``--json`` flag every command takes."""
    parser.add_argument("--json", action="store_true", help="print one JSON document")
