"""The ``oddsproof`` command line: a table of subcommands, each in its own module.

Every command takes ``--json``, prints one clear line on stderr and exits 2 on bad input, exits 1
when a check it was asked to make fails, and never shows a traceback. A subcommand module defines
``register(subparsers)``, which adds its parser and sets ``handler`` to a function
``(args, out) -> int``; ``out`` prints text or JSON as the user asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from oddsproof import __version__
from oddsproof.contracts import EncodingError, OddsproofError

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


def _commands() -> list[Callable[[Any], None]]:
    # Command modules import this one for Output and the exit codes, so they load late.
    from . import (  # noqa: PLC0415
        _cli_contracts,
        _cli_core,
        _cli_dispute,
        _cli_games,
        _cli_simulate,
        _demo,
    )

    return [
        _cli_core.register,
        _demo.register,
        _cli_contracts.register,
        _cli_games.register,
        _cli_dispute.register,
        _cli_simulate.register,
    ]


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every registered subcommand."""
    parser = _Parser(
        prog="oddsproof",
        description="Pay for outsourced computation without trusting the worker.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run `oddsproof COMMAND --help` for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"oddsproof {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for register in _commands():
        register(sub)
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``oddsproof`` script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stdout)
            return _fail("oddsproof: error: a command is required (try --help)", EXIT_BAD_INPUT)
        out = Output(as_json=bool(getattr(args, "json", False)), stream=sys.stdout)
        status = handler(args, out)
        sys.stdout.flush()  # surface a broken pipe here, where it is handled
        return status
    except SystemExit as exc:  # --help and --version end argparse with a status, not an error
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except OddsproofError as exc:
        return _fail(f"oddsproof: error: {exc}", EXIT_BAD_INPUT)
    except BrokenPipeError:  # output piped into a reader that stopped early, such as `head`
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        where = f" {exc.filename}:" if getattr(exc, "filename", None) else ""
        return _fail(f"oddsproof: error:{where} {exc.strerror or exc}", EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return _fail("oddsproof: interrupted", 130)
    except RecursionError:
        return _fail("oddsproof: error: input nests too deeply", EXIT_BAD_INPUT)
    except Exception as exc:  # noqa: BLE001 - the CLI promises no traceback, ever
        return _fail(f"oddsproof: internal error ({type(exc).__name__}): {exc}", EXIT_INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os  # noqa: PLC0415 - only on this rare path

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def _fail(message: str, status: int) -> int:
    print(message.splitlines()[0] if message else "oddsproof: error", file=sys.stderr)
    return status
