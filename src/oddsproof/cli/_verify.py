"""Game subcommands: ``verify`` (check a claim's signatures and spot-check its output)."""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Final

from oddsproof.contracts import Claim
from oddsproof.errors import EncodingError, InvalidArgument, SignatureError
from oddsproof.games import (
    CommittedOutput,
    OutputCommitment,
    ParallelComputation,
    nonce_challenge,
    spot_check,
)
from oddsproof.testing import Scene, ray_tracer
from oddsproof.wire import DEFAULT_MAX_SIZE, Canonical, Domain, Identity, Signed, decode, to_json

from ._output import EXIT_CHECK_FAILED, EXIT_OK, Output, UsageError, add_json_flag, read_input

WORKLOADS: Final = ("raytrace",)


def register(sub: Any) -> None:
    """Add ``verify`` to the subcommand table."""
    verify = sub.add_parser(
        "verify",
        help="check a claim's signatures and, given the work, spot-check it",
        description=textwrap.fill(
            "Check the signatures of a signed claim (CLAIM, canonical bytes). Given the "
            "computation (--workload), its input (--input), the output commitment the claim "
            "names (--commitment) and the delivered output (--output: the committed bytes, "
            "piece after piece), also run a spot check: draw k = plan(E, F) pieces from a "
            "fresh nonce, recompute them, compare them with the output, and print the "
            "certificate, signed with --key (or a throwaway key). A piece that differs yields "
            "a fraud proof.",
            width=78,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            examples:
              oddsproof verify claim.cbor
              oddsproof verify claim.cbor --workload raytrace --input scene.bin \\
                  --commitment commitment.cbor --output image.bin
              oddsproof verify claim.cbor --workload raytrace --input scene.bin \\
                  --commitment commitment.cbor --output image.bin --epsilon 1e-6 \\
                  --fraud-fraction 0.05 --key charlie.key --certificate cert.cbor --json

            exit status: 0 signatures valid (and spot check passed), 1 a signature or the
            spot check failed, 2 malformed input"""
        ),
    )
    verify.add_argument("claim", help="the signed claim (canonical CBOR), or - for stdin")
    verify.add_argument("--network", help="require the claim to be signed for this network")
    verify.add_argument("--workload", choices=WORKLOADS, help="the computation the claim names")
    verify.add_argument("--input", metavar="FILE", help="the computation's input (a scene)")
    verify.add_argument("--commitment", metavar="FILE", help="the claim's output commitment")
    verify.add_argument("--output", metavar="FILE", help="the delivered output bytes")
    verify.add_argument(
        "--epsilon", type=float, default=1e-9, metavar="E", help="default 1e-9, in (0, 1)"
    )
    verify.add_argument(
        "--fraud-fraction", type=float, default=0.01, metavar="F", help="default 0.01, in (0, 1)"
    )
    verify.add_argument("--nonce", metavar="HEX", help="the verifier's 32-byte nonce (random)")
    verify.add_argument("--key", metavar="FILE", help="the verifier's key file (signs)")
    verify.add_argument(
        "--time", type=int, metavar="SECONDS", help="the certificate's time (default: now)"
    )
    verify.add_argument("--certificate", metavar="FILE", help="write the signed certificate")
    verify.add_argument("--fraud-proof", metavar="FILE", help="write a fraud proof, if any")
    add_json_flag(verify)
    verify.set_defaults(handler=_verify)


def _read(path: str, *, limit: int | None = None) -> bytes:
    return read_input(path, limit=limit, command="oddsproof verify")


def _computation(name: str, data: bytes) -> ParallelComputation:
    if name == "raytrace":
        return ray_tracer(Scene.from_bytes(data))
    raise UsageError(f"oddsproof verify: unknown workload {name!r}")  # pragma: no cover


def _nonce(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise UsageError("oddsproof verify: --nonce is 64 hexadecimal digits") from exc
    if len(raw) != 32:
        raise UsageError("oddsproof verify: --nonce is 64 hexadecimal digits")
    return raw


def _verify(args: argparse.Namespace, out: Output) -> int:
    spot = (args.workload, args.input, args.commitment, args.output)
    if any(v is not None for v in spot) and not all(v is not None for v in spot):
        raise UsageError(
            "oddsproof verify: a spot check needs --workload, --input, --commitment and --output"
        )
    obj: Canonical = decode(_read(args.claim, limit=DEFAULT_MAX_SIZE))
    if not isinstance(obj, Signed) or not isinstance(obj.body, Claim):
        raise EncodingError(f"{args.claim} is not a signed claim (kind {obj.KIND!r})")
    claim: Signed[Claim] = obj
    body = claim.body
    domain = claim.domain
    if args.network is not None and args.network != domain.network:
        raise UsageError(
            f"oddsproof verify: the claim is for network {domain.network!r}, not {args.network!r}"
        )
    report: dict[str, Any] = {
        "claim": {
            "id": claim.id.hex(),
            "claimant": body.claimant.name,
            "claimant_key": body.claimant.key.hex(),
            "network": domain.network,
            "computation": body.computation.hex(),
            "input": body.input.hex(),
            "output": body.output.hex(),
            "precision": body.precision,
        }
    }
    try:
        claim.verify(domain)
        if not claim.signed_by(body.claimant):
            raise SignatureError("the claimant did not sign the claim")
        report["signatures"] = {"valid": True, "error": None}
    except SignatureError as exc:
        report["signatures"] = {"valid": False, "error": str(exc)}
    out.text(f"claim {claim.id.hex()} by {body.claimant.name} in network {domain.network!r}")
    if not report["signatures"]["valid"]:
        out.json(report)
        out.text(f"signatures: INVALID ({report['signatures']['error']})")
        print("oddsproof verify: a signature does not verify", file=sys.stderr)
        return EXIT_CHECK_FAILED
    out.text("signatures: valid")
    if args.workload is None:
        out.json(report)
        return EXIT_OK
    return _spot_check(args, out, claim, domain, report)


def _spot_check(
    args: argparse.Namespace,
    out: Output,
    claim: Signed[Claim],
    domain: Domain,
    report: dict[str, Any],
) -> int:
    data = _read(args.input, limit=DEFAULT_MAX_SIZE)
    computation = _computation(args.workload, data)
    commitment = decode(_read(args.commitment, limit=DEFAULT_MAX_SIZE), OutputCommitment)
    verifier = Identity.load(args.key) if args.key else Identity.generate("verifier")
    try:
        committed = CommittedOutput.from_bytes(commitment, _read(args.output))
    except InvalidArgument as exc:
        report["spot_check"] = {"passed": False, "outcome": "output-mismatch", "reason": str(exc)}
        out.json(report)
        out.text(f"spot check: FAILED: {exc}")
        print(
            f"oddsproof verify: the delivered output is not the committed one: {exc}",
            file=sys.stderr,
        )
        return EXIT_CHECK_FAILED
    challenge = nonce_challenge(
        claim,
        epsilon=args.epsilon,
        fraud_fraction=args.fraud_fraction,
        nonce=_nonce(args.nonce),
    )
    result = spot_check(  # a claim naming other work than given raises: bad input, exit 2
        claim,
        commitment,
        challenge,
        committed.open(challenge),
        computation=computation,
        data=data,
        verifier=verifier,
        domain=domain,
        now=int(time.time()) if args.time is None else args.time,
    )
    cert = result.certificate.body
    if args.certificate:
        Path(args.certificate).write_bytes(result.certificate.encoded)
    if args.fraud_proof and result.fraud_proof is not None:
        Path(args.fraud_proof).write_bytes(result.fraud_proof.encoded)
    report["spot_check"] = {
        "passed": cert.passed,
        "outcome": cert.outcome.value,
        "reason": cert.reason,
        "covers": cert.covers,
        "k": cert.challenge.k,
        "epsilon": list(cert.challenge.epsilon),
        "fraud_fraction": list(cert.challenge.fraud_fraction),
        "failed_index": cert.failed_index,
        "fraud_proof": None if result.fraud_proof is None else result.fraud_proof.id.hex(),
        "certificate_id": cert.id.hex(),
        "verifier": verifier.key.hex(),
        "certificate": to_json(cert),
    }
    out.json(report)
    eps, f = cert.challenge.epsilon_value, cert.challenge.fraud_fraction_value
    out.text(
        f"spot check: k = {cert.challenge.k} of {commitment.pieces} pieces (ε = {eps}, f = {f})"
    )
    out.text(f"  {cert.covers}")
    out.text(f"  seed {cert.seed.hex()}")
    if cert.passed:
        out.text(f"  PASSED: every checked piece matched; certificate {cert.id.hex()}")
        return EXIT_OK
    out.text(f"  FAILED ({cert.outcome.value}): {cert.reason}")
    if result.fraud_proof is not None:
        out.text(f"  fraud proof {result.fraud_proof.id.hex()} (piece {cert.failed_index})")
    print(f"oddsproof verify: the spot check failed: {cert.reason}", file=sys.stderr)
    return EXIT_CHECK_FAILED


__all__ = ["register"]
