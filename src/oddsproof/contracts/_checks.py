"""Checking offers, claims and the chain of signed objects behind a coin, without recomputing.

Bob's claim signs the offer id, the computation id, the input id, the output id, the precision
and, for serial work, the trace commitment. A third party (Charlie) holding the signed offer and
the signed claim checks with :func:`check_claim` that the offer is signed by every party that
escrows, that Bob signed a claim bound to that offer, for a computation and input the offer asks
Bob to supply, in time, and not already used. :func:`check_chain` follows a coin from the offer
through the claim and the signed transfers that passed it on. Nothing is recomputed: whether
F(X) = Y really holds is for spot checks, games and arbiters; until a final ruling, the value
is held under the condition of the claim.

Every refusal is a :class:`Refused` error carrying a :class:`CheckReason` reason, the same enum
the step function (:mod:`._semantics`) reports for evidence it cannot use.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

import attrs

from oddsproof.errors import Reason, Refused, SignatureError
from oddsproof.ledger import Transfer
from oddsproof.wire import Digest, Domain, Party, Signed

from ._analysis import requirements
from ._claims import Claim, Computation, Shape
from ._terms import Both, Contract, Send, Seq, Supplies, Term, When


class CheckReason(Reason):
    """Why an offer, a claim, a link of a chain or a piece of evidence was not accepted."""

    UNSUPPORTED_EVIDENCE = "unsupported-evidence"
    """Not an object of the expected kind (a signed claim, ruling, settlement, transfer…)."""
    WRONG_DOMAIN = "wrong-domain"
    """Signed for another network or protocol version."""
    BAD_SIGNATURE = "bad-signature"
    """A signature that does not verify."""
    WRONG_SIGNER = "wrong-signer"
    """Not signed by the party it speaks for (the claimant, the payer of a transfer)."""
    OFFER_NOT_SIGNED = "offer-not-signed"
    """The offer lacks the signature of a party that escrows."""
    WRONG_OFFER = "wrong-offer"
    """The claim answers another offer."""
    NOT_A_SUPPLIER = "not-a-supplier"
    """The offer does not ask the claimant to supply anything."""
    COMPUTATION_MISMATCH = "computation-mismatch"
    """The claim is about another computation than the offer asks for."""
    INPUT_MISMATCH = "input-mismatch"
    """The claim is about another input than the offer asks for."""
    PRECISION_MISMATCH = "precision-mismatch"
    """The claim's precision is not the computation's."""
    TRACE_MISMATCH = "trace-mismatch"
    """Serial work without a trace commitment, parallel work with one, or the wrong length."""
    ISSUED_BEFORE_OFFER = "issued-before-offer"
    """The claim says it was made before the offer existed."""
    ISSUED_IN_FUTURE = "issued-in-future"
    """The claim says it was made after the time it is presented."""
    EXPIRED = "expired"
    """Presented at or after the deadline of the wait it answers."""
    ALREADY_CLAIMED = "already-claimed"
    """This claim was already accepted once."""
    NOT_AN_ARBITER = "not-an-arbiter"
    NOT_THE_FINAL_ARBITER = "not-the-final-arbiter"
    """A ruling signed by nobody on the contract's ladder of arbiters."""
    NOT_FINAL = "not-final"
    """A ruling that can still be appealed."""
    WRONG_CONTRACT = "wrong-contract"
    """A ruling or settlement about another contract."""
    WRONG_STATEMENT = "wrong-statement"
    """A ruling on another statement than the one awaited."""
    WRONG_CLAIM = "wrong-claim"
    """A ruling naming another claim than the one awaited."""
    NO_CLAIM = "no-claim"
    """A verdict "on the claim" is awaited, but no claim has been accepted."""
    WRONG_BEACON = "wrong-beacon"
    """A round of another beacon than the contract's."""
    WRONG_ROUND = "wrong-round"
    """A round no lottery of the contract waits for."""
    NOT_SIGNED_BY_ALL = "not-signed-by-all"
    """A settlement lacking the signature of a party it needs."""
    STALE_SETTLEMENT = "stale-settlement"
    """A settlement whose version is not above every version already applied."""
    ALLOCATION_MISMATCH = "allocation-mismatch"
    """A settlement that does not exactly redistribute what is escrowed."""
    NOTHING_WAITING = "nothing-waiting"
    """No wait of the contract is waiting for evidence of this kind."""
    CONTRACT_CLOSED = "contract-closed"
    """The contract has already closed."""
    UNSOUND = "unsound"
    """The analysis found an error in the offer: it would break an invariant."""
    INSUFFICIENT_FUNDS = "insufficient-funds"
    """A party lacks the amount or a coin it must escrow: escrow before promise."""
    WRONG_COIN = "wrong-coin"
    """The coin is not what the offer pays the claimant, or a link moves another coin."""
    BROKEN_CHAIN = "broken-chain"
    """A link whose payer is not the holder the previous link paid."""
    WRONG_CONDITION = "wrong-condition"
    """A link conditional on another claim than the one the coin depends on."""


# ---------------------------------------------------------------------------------------------
# Envelopes


def verify_envelope(envelope: object, body: type, domain: Domain) -> Any:
    """The body of ``envelope`` once its kind, domain and every signature are checked.

    Raises :class:`Refused` with ``UNSUPPORTED_EVIDENCE``, ``WRONG_DOMAIN`` or
    ``BAD_SIGNATURE``.
    """
    if not isinstance(envelope, Signed) or not isinstance(envelope.body, body):
        got = envelope.body.KIND if isinstance(envelope, Signed) else type(envelope).__name__
        raise Refused(CheckReason.UNSUPPORTED_EVIDENCE, f"expected a signed {body.__name__}: {got}")
    if envelope.domain != domain:
        raise Refused(
            CheckReason.WRONG_DOMAIN,
            f"signed for {envelope.domain.network!r} v{envelope.domain.protocol},"
            f" expected {domain.network!r} v{domain.protocol}",
        )
    try:
        return envelope.verify(domain)
    except SignatureError as exc:
        raise Refused(CheckReason.BAD_SIGNATURE, str(exc)) from exc


def payers(contract: Contract) -> tuple[Party, ...]:
    """The parties that escrow something, hence must sign the offer (sorted by key)."""
    return tuple(a.party for a in requirements(contract))


def check_offer(offer: Signed[Contract], domain: Domain) -> Contract:
    """The contract of a signed offer whose signatures verify and include every payer's.

    Raises :class:`Refused`.
    """
    try:
        contract: Contract = verify_envelope(offer, Contract, domain)
    except Refused as exc:
        raise Refused(exc.reason, f"the offer: {exc}") from exc
    missing = [p.name for p in payers(contract) if not offer.signed_by(p)]
    if missing:
        raise Refused(
            CheckReason.OFFER_NOT_SIGNED,
            f"the offer lacks the signature of {', '.join(missing)}, who escrow(s) value",
        )
    return contract


# ---------------------------------------------------------------------------------------------
# Claims


@attrs.frozen
class SupplySite:
    """A :class:`Supplies` case in a contract: its condition, its wait's deadline, what follows."""

    condition: Supplies
    deadline: int
    then: Term


def supply_sites(term: Term) -> Iterator[SupplySite]:
    """Every Supplies case in ``term``, in reading order, wherever it is nested."""
    stack: list[Term] = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, When):
            for case in t.cases:
                if isinstance(case.condition, Supplies):
                    yield SupplySite(case.condition, t.deadline, case.then)
            stack.append(t.otherwise)
            stack.extend(reversed([c.then for c in t.cases]))
        elif isinstance(t, Both):
            stack += [t.right, t.left]
        elif isinstance(t, Seq):
            stack += [t.then, t.first]
        else:
            inner = getattr(t, "then", None)  # runtime wrappers (see ._semantics.Claimed)
            if isinstance(inner, Term):
                stack.append(inner)


_SUPPLY_ORDER = (
    CheckReason.NOT_A_SUPPLIER,
    CheckReason.COMPUTATION_MISMATCH,
    CheckReason.INPUT_MISMATCH,
    CheckReason.EXPIRED,
)


def supply_problem(claim: Claim, condition: Supplies) -> CheckReason | None:
    """Why ``claim`` does not meet ``condition`` (deadline aside), or ``None`` if it does."""
    if claim.claimant.key != condition.party.key:
        return CheckReason.NOT_A_SUPPLIER
    if claim.computation != condition.computation:
        return CheckReason.COMPUTATION_MISMATCH
    if claim.input != condition.input:
        return CheckReason.INPUT_MISMATCH
    return None


def closest(reasons: Sequence[CheckReason], order: Sequence[CheckReason]) -> CheckReason | None:
    """The reason that got furthest along ``order`` (the most specific), if any."""
    ranked = [r for r in reasons if r in order]
    return max(ranked, key=order.index) if ranked else (reasons[0] if reasons else None)


def claim_envelope(signed_claim: Signed[Claim], domain: Domain) -> Claim:
    """The claim of an envelope signed, in ``domain``, by its claimant. Raises
    :class:`Refused`."""
    try:
        claim: Claim = verify_envelope(signed_claim, Claim, domain)
    except Refused as exc:
        raise Refused(exc.reason, f"the claim: {exc}") from exc
    if not signed_claim.signed_by(claim.claimant):
        raise Refused(
            CheckReason.WRONG_SIGNER, f"the claim is not signed by its claimant {claim.claimant}"
        )
    return claim


def check_claim(
    signed_claim: Signed[Claim],
    signed_offer: Signed[Contract],
    domain: Domain,
    *,
    now: int,
    claimed: Collection[Digest] = (),
    computation: Computation | None = None,
) -> Claim:
    """Check, without recomputing anything, that a claim answers a signed offer.

    ``now`` is the time the claim is presented (a ledger passes the time it recorded the claim);
    ``claimed`` the ids of claims already accepted for this offer; with ``computation`` (the
    full description of F) the precision and trace commitment are checked against it too.
    Returns the claim; raises :class:`Refused` naming the first rule broken.
    """
    if type(now) is not int or now < 0:
        raise Refused(CheckReason.UNSUPPORTED_EVIDENCE, f"now must be a time, got {now!r}")
    try:
        contract = check_offer(signed_offer, domain)
    except Refused as exc:
        raise Refused(exc.reason, str(exc)) from exc
    claim = claim_envelope(signed_claim, domain)
    check_answer(claim, contract, now=now, claimed=claimed)
    _find_site(claim, contract, now)
    if computation is not None:
        _check_computation(claim, computation)
    return claim


def check_answer(
    claim: Claim, contract: Contract, *, now: int, claimed: Collection[Digest]
) -> None:
    """Check that ``claim`` answers ``contract``: bound to it, issued between the offer and
    ``now``, and not among the ``claimed`` ids already accepted. Raises :class:`Refused`."""
    if claim.offer != contract.id:
        raise Refused(
            CheckReason.WRONG_OFFER, f"the claim answers offer {claim.offer}, not {contract.id}"
        )
    if claim.issued < contract.created:
        raise Refused(
            CheckReason.ISSUED_BEFORE_OFFER,
            f"issued at t={claim.issued}, before the offer (t={contract.created})",
        )
    if claim.issued > now:
        raise Refused(
            CheckReason.ISSUED_IN_FUTURE, f"issued at t={claim.issued}, presented at t={now}"
        )
    if claim.id in set(claimed):
        raise Refused(CheckReason.ALREADY_CLAIMED, f"claim {claim.id} was already accepted")


def _find_site(claim: Claim, contract: Contract, now: int) -> SupplySite:
    reasons: list[CheckReason] = []
    for site in supply_sites(contract.terms):
        problem = supply_problem(claim, site.condition)
        if problem is None and now >= site.deadline:
            problem = CheckReason.EXPIRED
        if problem is None:
            return site
        reasons.append(problem)
    reason = closest(reasons, _SUPPLY_ORDER) or CheckReason.NOT_A_SUPPLIER
    details = {
        CheckReason.NOT_A_SUPPLIER: f"the offer asks nothing of {claim.claimant}",
        CheckReason.COMPUTATION_MISMATCH: f"the offer asks for no computation {claim.computation}",
        CheckReason.INPUT_MISMATCH: f"the offer does not ask for input {claim.input}",
        CheckReason.EXPIRED: f"presented at t={now}, at or after the deadline",
    }
    raise Refused(reason, details[reason])


def _check_computation(claim: Claim, computation: Computation) -> None:
    if computation.id != claim.computation:
        raise Refused(CheckReason.COMPUTATION_MISMATCH, "the computation given is not the claim's")
    if claim.precision != computation.precision:
        raise Refused(
            CheckReason.PRECISION_MISMATCH,
            f"claim at {claim.precision} bits, computation at {computation.precision}",
        )
    if computation.shape is Shape.SERIAL:
        if claim.trace is None:
            raise Refused(CheckReason.TRACE_MISMATCH, "serial work needs a trace commitment")
        if claim.trace.steps != computation.size:
            raise Refused(
                CheckReason.TRACE_MISMATCH,
                f"trace of {claim.trace.steps} steps for a computation of {computation.size}",
            )
    elif claim.trace is not None:
        raise Refused(CheckReason.TRACE_MISMATCH, "parallel work has no trace commitment")


# ---------------------------------------------------------------------------------------------
# Chains


@attrs.frozen
class Provenance:
    """Who holds a coin after a checked chain, and on what it still depends.

    ``condition`` is the claim whose final ruling makes the ownership unconditional: until then
    a failed claim unwinds every link.
    """

    coin: str = attrs.field(validator=attrs.validators.instance_of(str))
    offer: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    claim: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    holder: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    links: int = attrs.field(validator=attrs.validators.instance_of(int))

    @property
    def condition(self) -> Digest:
        """The claim the holder's ownership depends on."""
        return self.claim


def _sends(term: Term) -> Iterator[Send]:
    stack: list[Term] = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, Send):
            yield t
        elif isinstance(t, When):
            stack += [t.otherwise, *(c.then for c in t.cases)]
        elif isinstance(t, Both):
            stack += [t.right, t.left]
        elif isinstance(t, Seq):
            stack += [t.then, t.first]


def check_chain(
    signed_offer: Signed[Contract],
    signed_claim: Signed[Claim],
    links: Sequence[Signed[Transfer]],
    domain: Domain,
    *,
    coin: str,
    now: int,
    claimed: Collection[Digest] = (),
) -> Provenance:
    """Follow ``coin`` from the offer through the claim and the transfers that passed it on.

    The claim must pass :func:`check_claim` and meet a Supplies case whose continuation sends
    ``coin`` to the claimant; each link must be a transfer of that coin signed by its payer, the
    first payer being the claimant and each later payer the previous payee, and conditional (if
    at all) on this claim. Returns the :class:`Provenance`; raises :class:`Refused`.
    Double spending is the ledger's to prevent: a chain proves where a coin came from.
    """
    claim = check_claim(signed_claim, signed_offer, domain, now=now, claimed=claimed)
    contract = signed_offer.body
    earned = any(
        send.coin == coin and send.to.key == claim.claimant.key
        for site in supply_sites(contract.terms)
        if supply_problem(claim, site.condition) is None and now < site.deadline
        for send in _sends(site.then)
    )
    if not earned:
        raise Refused(
            CheckReason.WRONG_COIN, f"the offer does not send coin {coin!r} for this claim"
        )
    holder = claim.claimant
    for index, link in enumerate(links):
        where = f"link {index}"
        try:
            transfer: Transfer = verify_envelope(link, Transfer, domain)
        except Refused as exc:
            raise Refused(exc.reason, f"{where}: {exc}") from exc
        if not link.signed_by(transfer.payer):
            raise Refused(
                CheckReason.WRONG_SIGNER, f"{where} is not signed by its payer {transfer.payer}"
            )
        if transfer.coin != coin:
            raise Refused(CheckReason.WRONG_COIN, f"{where} moves {transfer.coin!r}")
        if transfer.payer.key != holder.key:
            raise Refused(
                CheckReason.BROKEN_CHAIN,
                f"{where} is paid by {transfer.payer}, but {holder} holds the coin",
            )
        if transfer.condition is not None and transfer.condition != claim.id:
            raise Refused(
                CheckReason.WRONG_CONDITION, f"{where} depends on claim {transfer.condition}"
            )
        holder = transfer.payee
    return Provenance(coin, contract.id, claim.id, holder, len(links))
