"""The one-step judge: from a bisection transcript to a signed ruling a contract accepts.

The judge replays the transcript (every signature, link, clock and rule), applies any timeout up
to the time it rules, and if the game reached its one step re-runs that step from the revealed
state: the solver's claim is upheld iff the result hashes to the solver's posted hash. The ruling
names the claim's statement, the claim, the offer it answered and, as evidence, the transcript's
id; signed by one of the contract's arbiters and marked final, it meets a ``Verdict`` condition.
"""

from __future__ import annotations

from oddsproof.contracts import Ruling
from oddsproof.errors import InvalidArgument, Refused, SignatureError, WrongType
from oddsproof.wire import Domain, Identity, Signed

from ._bisection import (
    BisectionOutcome,
    BisectionReason,
    BisectionRole,
    BisectionTranscript,
    check_transcript,
)
from ._computation import SerialComputation


def _ruling(
    transcript: BisectionTranscript, outcome: BisectionOutcome, level: int, final: bool, issued: int
) -> Ruling:
    claim = transcript.game.claim.body
    return Ruling(
        statement=claim.statement.id,
        upheld=outcome.winner is BisectionRole.SOLVER,
        claim=claim.id,
        contract=claim.offer,
        evidence=transcript.id,
        level=level,
        final=final,
        issued=issued,
    )


def _decided(
    transcript: BisectionTranscript,
    domain: Domain,
    computation: SerialComputation,
    data: bytes | None,
    issued: int,
) -> BisectionOutcome:
    if isinstance(issued, bool) or not isinstance(issued, int) or issued < 0:
        raise InvalidArgument(f"issued is a time in seconds, got {issued!r}")
    outcome = check_transcript(transcript, domain, now=issued, computation=computation, data=data)
    if outcome.winner is None:
        raise Refused(
            BisectionReason.PENDING,
            f"the game is still running at {issued} ({outcome.phase.value}, the party on turn"
            f" has until {outcome.deadline}); it is decided by {transcript.game.ends}"
            " at the latest",
        )
    return outcome


def judge_bisection(
    transcript: BisectionTranscript,
    domain: Domain,
    computation: SerialComputation,
    *,
    arbiter: Identity,
    now: int,
    data: bytes | None = None,
    level: int = 0,
    final: bool = False,
) -> Signed[Ruling]:
    """The ruling on a finished bisection game, signed by ``arbiter`` at time ``issued``.

    ``upheld`` is true iff the solver won: the one step it was pinned to holds, or the challenger
    broke a rule or ran out of time. ``data`` (the input) is needed only when the disputed step is
    the first. Raises :class:`~oddsproof.errors.Refused` while the game is still running
    (``PENDING``) and for a transcript that does not replay.
    """
    if not isinstance(arbiter, Identity):
        raise InvalidArgument("the arbiter is the Identity that signs the ruling")
    if isinstance(level, bool) or not isinstance(level, int) or level < 0:
        raise InvalidArgument(f"level is a non-negative integer, got {level!r}")
    if not isinstance(final, bool):
        raise InvalidArgument("final is a boolean")
    outcome = _decided(transcript, domain, computation, data, now)
    return Signed.create(_ruling(transcript, outcome, level, final, now), domain, arbiter)


def check_ruling(
    ruling: Signed[Ruling],
    transcript: BisectionTranscript,
    domain: Domain,
    computation: SerialComputation,
    *,
    data: bytes | None = None,
) -> BisectionOutcome:
    """Check as a third party that ``ruling`` is exactly what the transcript proves.

    Verifies the ruling's signature, replays the transcript at the ruling's time (re-running
    the one step if the game reached it) and compares every field. Returns the outcome.
    """
    if not isinstance(ruling, Signed) or not isinstance(ruling.body, Ruling):
        raise WrongType("not a signed ruling")
    try:
        body = ruling.verify(domain)
    except SignatureError as exc:
        raise Refused(
            BisectionReason.BAD_SIGNATURE, f"the ruling's signature does not verify: {exc}"
        ) from exc
    outcome = _decided(transcript, domain, computation, data, body.issued)
    expected = _ruling(transcript, outcome, body.level, body.final, body.issued)
    if expected != body:
        raise Refused(
            BisectionReason.BAD_TRANSCRIPT, "the ruling does not follow from this transcript"
        )
    return outcome
