"""Core subcommands: ``inspect`` (decode and verify an object), ``plan`` (spot-check sizing)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from oddsproof.contracts import (
    DEFAULT_MAX_SIZE,
    Canonical,
    SignatureError,
    Signed,
    decode,
    to_json,
)
from oddsproof.games import pass_probability, plan

from ._cli import EXIT_CHECK_FAILED, EXIT_OK, Output, UsageError, add_json_flag, read_input


def register(sub: Any) -> None:
    """Add ``inspect`` and ``plan`` to the subcommand table."""
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

    plan_cmd = sub.add_parser(
        "plan",
        help="how many spot checks bound a cheater's chance of passing by epsilon",
        description="Print k = ceil(ln E / ln(1 - F)): the number of uniformly drawn spot "
        "checks after which a claimant who faked a fraction F of the pieces passes with "
        "probability at most E.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof plan --epsilon 1e-9 --fraud-fraction 0.01
              oddsproof plan --epsilon 1e-6 --fraud-fraction 0.05 --json
              oddsproof plan --epsilon 1e-9 --fraud-fraction 0.01 --pieces 1048576"""
        ),
    )
    plan_cmd.add_argument("--epsilon", type=float, required=True, metavar="E", help="in (0, 1)")
    plan_cmd.add_argument(
        "--fraud-fraction", type=float, required=True, metavar="F", help="in (0, 1)"
    )
    plan_cmd.add_argument(
        "--pieces",
        type=int,
        metavar="N",
        help="number of pieces of the work: also report the verification cost (k of N)",
    )
    add_json_flag(plan_cmd)
    plan_cmd.set_defaults(handler=_plan)


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


def _plan(args: argparse.Namespace, out: Output) -> int:
    if args.pieces is not None and args.pieces < 1:
        raise UsageError("oddsproof plan: --pieces must be a positive integer")
    k = plan(args.epsilon, args.fraud_fraction)
    achieved = pass_probability(k, args.fraud_fraction)
    document: dict[str, Any] = {
        "k": k,
        "epsilon": args.epsilon,
        "fraud_fraction": args.fraud_fraction,
        "pass_probability": achieved,
    }
    if args.pieces is not None:
        document["pieces"] = args.pieces
        document["recomputed_pieces"] = min(k, args.pieces)
        document["verification_fraction"] = min(k, args.pieces) / args.pieces
    out.json(document)
    out.text(
        f"k = {k} spot checks: a claimant faking {args.fraud_fraction:g} of the pieces passes "
        f"all of them with probability {achieved:.3g} <= {args.epsilon:g}"
    )
    if args.pieces is not None:
        # Draws are with replacement, so at most min(k, N) distinct pieces are recomputed.
        cost = min(k, args.pieces) / args.pieces
        out.text(
            f"verification recomputes at most {min(k, args.pieces)} of {args.pieces} pieces: "
            f"{cost:.3g} of a full recompute ({cost * 100:.3g}%)"
            + ("; with N <= k, recomputing everything is as cheap" if k >= args.pieces else "")
        )
    return EXIT_OK


__all__ = ["register"]
