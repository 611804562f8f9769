"""Mutual settlement: every party of a contract signs an outcome, and every pending condition,
verification game and appeal of that contract ends at once, at whatever level it stands.

None of Kleros, Augur, UMA or Reality.eth has this override; it is the cheapest path out of a
dispute, so it must also be the safest. A :class:`~oddsproof.contracts.Settlement` (contract
id, version, allocation) signed by *every* party of the contract:

1. **Replay**: its version must exceed every version applied to the contract before (the
   contract's own record, and the last settlement recorded under ``settlement/<contract>``);
   an old or equal version is refused with :class:`~oddsproof.errors.Refused`.
2. **Escrow**: if the contract is still running, the settlement is submitted to it: the
   contract's semantics check that the allocation redistributes exactly what is escrowed and
   close it. If it has closed, nothing is escrowed, and the allocation must give nothing.
3. **Disputes**: every dispute of the contract's claims that has no final ruling yet ends
   (phase ``settled``) and every bond posted in it (stakes and unspent fees) is released.
   Fees already paid to arbiters who ruled stay paid. Disputes with a final ruling stand.
4. **Conditional subtrees become plain**: every claim of the contract not yet resolved (and
   without a final ruling) is resolved *upheld* (:func:`collapse`), so what was paid under
   it, and everything passed on from it, becomes plain, and the claim bonds are released. A
   settlement never unwinds value someone downstream holds: the contract's parties could
   otherwise agree to take back a coin Bob already spent with Charlie. A claim whose dispute
   has its final ruling is left to that ruling.

All of it is one ledger transaction: a refused settlement changes nothing.
"""

from __future__ import annotations

from typing import Final

import attrs

from oddsproof.contracts import Runtime, Settlement, Step
from oddsproof.errors import InvalidArgument, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.wire import Digest, Signed

from ._appeals import HEAD_PREFIX, Appeals, Dispute, DisputeState, Phase
from ._collapse import CollapseReport, RecoursePolicy, Resolution, collapse
from ._reasons import SettlementReason

SETTLEMENT_PREFIX: Final = "settlement/"


@attrs.frozen
class SettlementReport:
    """What a settlement did: the contract step (if the contract was still running), the
    disputes it ended, and the collapse that made the contract's claims plain."""

    settlement: Settlement = attrs.field(validator=v.instance(Settlement))
    step: Step | None = attrs.field(validator=attrs.validators.optional(v.instance(Step)))
    ended: tuple[DisputeState, ...] = attrs.field(validator=v.instance(tuple))
    collapse: CollapseReport = attrs.field(validator=v.instance(CollapseReport))


def last_settlement(runtime: Runtime, contract: Digest) -> int:
    """The highest settlement version applied to ``contract`` (0 if none)."""
    recorded = runtime.ledger.head(SETTLEMENT_PREFIX + contract.hex())
    version = 0
    if recorded is not None:
        found = runtime.ledger.get(recorded)
        if isinstance(found, Signed):
            found = found.body
        version = found.version if isinstance(found, Settlement) else 0
    return max(version, runtime.state(contract).settled)


def disputes_of(appeals: Appeals, contract: Digest) -> tuple[Dispute, ...]:
    """Every dispute on the ledger about a claim of ``contract``, in id order."""
    found = []
    for name in sorted(appeals.ledger.heads()):
        if name.startswith(HEAD_PREFIX):
            dispute = appeals.dispute(Digest(bytes.fromhex(name[len(HEAD_PREFIX) :])))
            if dispute.contract == contract:
                found.append(dispute)
    return tuple(found)


def settle(
    runtime: Runtime,
    appeals: Appeals,
    settlement: Signed[Settlement],
    *,
    now: int,
    policy: RecoursePolicy | None = None,
) -> SettlementReport:
    """Apply a settlement every party of its contract signed (see the module docstring).

    Raises :class:`~oddsproof.errors.Refused` (with ``reason``: ``not-signed-by-all``,
    ``stale-settlement``, ``allocation-mismatch``, ``wrong-domain``, ``too-late``, or the
    contract's own rejection) and changes nothing when it cannot apply.
    """
    if not isinstance(runtime, Runtime) or not isinstance(appeals, Appeals):
        raise InvalidArgument("settle needs the Runtime and the Appeals of one ledger")
    if runtime.ledger is not appeals.ledger:
        raise InvalidArgument("the Runtime and the Appeals must share one ledger")
    if not isinstance(settlement, Signed) or not isinstance(settlement.body, Settlement):
        raise Refused(SettlementReason.UNSUPPORTED_EVIDENCE, "expected a signed Settlement")
    body = settlement.body
    contract = runtime.contract(body.contract)
    try:
        settlement.verify(runtime.domain)
    except SignatureError as exc:
        raise Refused(
            SettlementReason.WRONG_DOMAIN, f"the settlement does not verify: {exc}"
        ) from exc
    missing = [p.name for p in contract.parties if not settlement.signed_by(p)]
    if missing:
        raise Refused(
            SettlementReason.NOT_SIGNED_BY_ALL,
            f"every party must sign; missing: {', '.join(missing)}",
        )
    applied = last_settlement(runtime, contract.id)
    if body.version <= applied:
        raise Refused(
            SettlementReason.STALE_SETTLEMENT,
            f"version {body.version} is not above version {applied}, already applied",
        )
    ledger = runtime.ledger
    state = runtime.state(contract.id)
    claims = [claim for claim, _ in state.claims]
    disputes = [(d, appeals.state(d.id)) for d in disputes_of(appeals, contract.id)]
    pending = [d for d, state in disputes if not state.over]
    ruled = {d.claim_id for d, state in disputes if state.phase is Phase.FINAL}
    unresolved = [c for c in claims if ledger.resolution(c) is None and c not in ruled]
    with ledger.transaction():
        step: Step | None = None
        if not state.closed:
            step = runtime.submit(contract.id, settlement, now=now)
            if step.rejected is not None:
                raise Refused(
                    SettlementReason.REFUSED_BY_CONTRACT,
                    f"the contract refused it: {step.rejected.value}",
                    contract_reason=step.rejected,
                )
        else:
            if any(a.amount or a.coins for a in body.allocation):
                raise Refused(
                    SettlementReason.ALLOCATION_MISMATCH,
                    "the contract has closed: nothing is escrowed, the allocation must be empty",
                )
            if not pending and not unresolved:
                raise Refused(
                    SettlementReason.TOO_LATE,
                    "every claim of the contract has been decided for good",
                )
        ended = tuple(appeals.end(d.id, body.version, now=now).state for d in pending)
        outcomes = [Resolution(c, True) for c in unresolved]
        report = collapse(ledger, outcomes, policy=policy)
        ledger.put(settlement)
        ledger.set_head(SETTLEMENT_PREFIX + contract.id.hex(), settlement.id)
    return SettlementReport(body, step, ended, report)
