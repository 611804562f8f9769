"""The ``oddsproof`` command line: a table of subcommands, one module each.

Every command takes ``--json``, prints one clear line on stderr and exits 2 on bad input, exits 1
when a check it was asked to make fails, and never shows a traceback. A command module defines
``register(subparsers)``, which adds its parser and sets ``handler`` to a function
``(args, out) -> int``; ``out`` prints text or JSON as the user asked (``_output``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from oddsproof import __version__
from oddsproof.errors import OddsproofError

from . import _analyze, _demo, _dispute, _inspect, _plan, _simulate, _verify
from ._output import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, Handler, Output, UsageError, _Parser


def _commands() -> list[Callable[[Any], None]]:
    return [
        _inspect.register,
        _plan.register,
        _demo.register,
        _analyze.register,
        _verify.register,
        _dispute.register,
        _simulate.register,
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
