"""``oddsproof plan``: how many spot checks bound a cheater's chance of passing by ε."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from oddsproof.games import pass_probability, plan

from ._output import EXIT_OK, Output, UsageError, add_json_flag


def register(sub: Any) -> None:
    """Add ``plan`` to the subcommand table."""
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
