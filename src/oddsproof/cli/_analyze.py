"""``oddsproof analyze``: the static analysis of a contract, from its canonical bytes."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from oddsproof.contracts import Allocation, Contract, analyze, requirements
from oddsproof.errors import EncodingError
from oddsproof.wire import DEFAULT_MAX_SIZE, Canonical, Party, Signed, decode

from ._output import EXIT_CHECK_FAILED, EXIT_OK, Output, UsageError, add_json_flag, read_input


def register(sub: Any) -> None:
    """Add ``analyze`` to the subcommand table."""
    cmd = sub.add_parser(
        "analyze",
        help="prove or refute a contract's safety properties over every path",
        description="Decode a canonical Contract (or a signed one; signatures are not checked "
        "here, see `oddsproof inspect`) and analyze every path: value conserved, no balance "
        "negative, every wait with a deadline, nested deadlines at least delta before their "
        "parent's, a bound on the number of steps, and the most each party can lose. "
        "Findings name the offending path, e.g. `when@0 case 1 → both.left → pay alice→bob 5`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof analyze offer.cbor
              oddsproof analyze --json - < offer.cbor
              oddsproof analyze offer.cbor --delta 60 --horizon 604800
              oddsproof analyze offer.cbor --escrow alice=5   # check against 5 escrowed

            exit status: 0 sound, 1 the analysis found an error (offending paths printed),
            2 malformed input"""
        ),
    )
    cmd.add_argument("file", help="path of the canonical contract, or - for standard input")
    cmd.add_argument("--hex", action="store_true", help="the input is hexadecimal text")
    cmd.add_argument(
        "--delta", type=int, metavar="SECONDS", help="least gap between nested deadlines "
        "(default: the contract's)"
    )  # fmt: skip
    cmd.add_argument(
        "--horizon",
        type=int,
        metavar="SECONDS",
        help="report waits ending more than this after the offer as waits without deadline",
    )
    cmd.add_argument(
        "--escrow",
        action="append",
        default=[],
        metavar="PARTY=AMOUNT",
        help="check the paths against this escrow for PARTY (a name or hex key), not the "
        "escrow the contract requires; repeatable",
    )
    cmd.add_argument("--max-steps", type=int, metavar="N", help="report a step bound above N")
    cmd.add_argument(
        "--max-paths", type=int, default=64, metavar="N", help="list at most N paths (default 64)"
    )
    cmd.add_argument(
        "--max-size",
        type=int,
        default=DEFAULT_MAX_SIZE,
        metavar="BYTES",
        help=f"refuse larger input (default {DEFAULT_MAX_SIZE})",
    )
    add_json_flag(cmd)
    cmd.set_defaults(handler=_analyze)


def _read(args: argparse.Namespace) -> bytes:
    return read_input(
        args.file, limit=args.max_size, hex_text=args.hex, command="oddsproof analyze"
    )


def _contract(data: bytes, limit: int) -> Contract:
    obj: Canonical = decode(data, max_size=limit)
    if isinstance(obj, Signed):
        obj = obj.body
    if not isinstance(obj, Contract):
        raise EncodingError(f"expected a contract or a signed contract, got kind {obj.KIND!r}")
    return obj


def _escrow(contract: Contract, specs: list[str]) -> tuple[Allocation, ...] | None:
    if not specs:
        return None
    needs = {a.party.key.raw: a for a in requirements(contract)}
    held = {k: a for k, a in needs.items() if contract.party(a.party.key) is not None}
    for spec in specs:
        who, sep, amount_text = spec.partition("=")
        if not sep or not amount_text.isdigit():
            raise UsageError(f"oddsproof analyze: --escrow takes PARTY=AMOUNT, got {spec!r}")
        party = _find_party(contract, who)
        key = party.key.raw
        coins = needs[key].coins if key in needs else ()
        held[key] = Allocation(party, int(amount_text), coins)
    return tuple(held[k] for k in sorted(held))


def _find_party(contract: Contract, who: str) -> Party:
    known = [*contract.parties, *(a.party for a in requirements(contract))]
    matches = {p.key.raw: p for p in known if who in (p.name, p.key.hex())}
    if len(matches) != 1:
        problem = "names no party" if not matches else "names several parties; use the hex key"
        raise UsageError(f"oddsproof analyze: --escrow {who!r} {problem}")
    return next(iter(matches.values()))


def _analyze(args: argparse.Namespace, out: Output) -> int:
    for name in ("delta", "horizon", "max_steps", "max_paths"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UsageError(f"oddsproof analyze: --{name.replace('_', '-')} must be >= 0")
    contract = _contract(_read(args), args.max_size)
    report = analyze(
        contract,
        delta=args.delta,
        escrow=_escrow(contract, args.escrow),
        horizon=args.horizon,
        max_steps=args.max_steps,
        max_paths=args.max_paths,
    )
    out.json(report.to_json())
    out.text(report.text())
    if report.sound:
        return EXIT_OK
    first = report.errors[0]
    print(
        f"oddsproof analyze: {len(report.errors)} error(s); first: {first.check.value} at"
        f" {first.where}",
        file=sys.stderr,
    )
    return EXIT_CHECK_FAILED


__all__ = ["register"]
