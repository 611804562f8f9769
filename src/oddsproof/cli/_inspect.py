"""``oddsproof inspect``: decode a canonical object strictly, verify its signatures, print it."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from oddsproof.errors import SignatureError
from oddsproof.wire import DEFAULT_MAX_SIZE, Canonical, Signed, decode, to_json

from ._output import EXIT_CHECK_FAILED, EXIT_OK, Output, add_json_flag, read_input


def register(sub: Any) -> None:
    """Add ``inspect`` to the subcommand table."""
    inspect = sub.add_parser(
        "inspect",
        help="decode a canonical object, verify its signatures, print it as JSON",
        description="Decode one canonical oddsproof object (strictly: non-canonical bytes are "
        "refused), verify any signatures on it against the domain it names, and print it "
        "as JSON with bytes in hex.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof inspect claim.cbor
              oddsproof inspect --json - < offer.cbor
              echo a2...  | oddsproof inspect --hex -

            exit status: 0 valid, 1 a signature does not verify, 2 malformed input"""
        ),
    )
    inspect.add_argument("file", help="path of the object, or - for standard input")
    inspect.add_argument("--hex", action="store_true", help="the input is hexadecimal text")
    inspect.add_argument(
        "--max-size",
        type=int,
        default=DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help=f"refuse larger input (default {DEFAULT_MAX_SIZE})",
    )
    add_json_flag(inspect)
    inspect.set_defaults(handler=_inspect)


def _read_input(args: argparse.Namespace) -> bytes:
    return read_input(
        args.file, limit=args.max_size, hex_text=args.hex, command="oddsproof inspect"
    )


def _inspect(args: argparse.Namespace, out: Output) -> int:
    obj: Canonical = decode(_read_input(args), max_size=args.max_size)
    report: dict[str, Any] = {"kind": obj.KIND, "version": obj.VERSION, "id": obj.id.hex()}
    status = EXIT_OK
    if isinstance(obj, Signed):
        report["body_kind"] = obj.body.KIND
        try:
            obj.verify(obj.domain)
            report["signatures"] = {"valid": True, "error": None}
        except SignatureError as exc:
            report["signatures"] = {"valid": False, "error": str(exc)}
            status = EXIT_CHECK_FAILED
        report["signatures"]["domain"] = {
            "network": obj.domain.network,
            "protocol": obj.domain.protocol,
        }
        report["signatures"]["signers"] = [key.hex() for key in obj.signers]
    report["object"] = to_json(obj)
    out.json(report)
    if not out.as_json:
        out.text(f"{obj.KIND} v{obj.VERSION}  id {obj.id.hex()}")
        if isinstance(obj, Signed):
            sig = report["signatures"]
            verdict = "valid" if sig["valid"] else f"INVALID ({sig['error']})"
            out.text(f"signed {obj.body.KIND} in domain {obj.domain.network!r}: {verdict}")
            for key in sig["signers"]:
                out.text(f"  signer {key}")
        out.text(json.dumps(report["object"], indent=2))
    if status != EXIT_OK:
        print("oddsproof inspect: a signature does not verify", file=sys.stderr)
    return status
