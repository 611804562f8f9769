"""Collapse: from outcomes (final rulings, settlements) to final ownership on the ledger.

Conditional ownership forms chains and trees: Alice pays Bob under Bob's claim, Bob passes part
on to Charlie, who passes it on again. Once claims are decided, :func:`collapse` turns every
chain into plain balances in one ledger transaction:

1. Each newly decided claim is resolved once (``ResolveCondition``). Upheld, the holdings that
   depended only on upheld claims become plain. Failed, every holding that depended on it is
   unwound to where it came from, deepest first, by correcting entries the ledger derives.
2. **Recourse.** Whoever held value that a failure took away (a *victim*: not the failing
   claimant) is reimbursed from the failing claimant's bonds on that claim: each is forfeited,
   ``⌈amount · burn⌉`` (at least 1) burned, the rest shared among the victims pro rata to their
   losses (never above a loss), what is left going to whoever proved the claim false, or burned.
   Bonds others posted on the claim (fan-out bonds) are released; so is every bond on an upheld
   claim.
3. **Sweep.** Value unwound into the escrow of a contract that has closed is refunded to its
   payer (``Refund``): a closed contract's runtime would never pay it out.

Cost: linear in the number of holdings the decided claims touch (one pass parents-before-
children to find where each live amount ends up, then one correcting entry per holding), plus
a sort. Idempotent: a claim already resolved the same way is skipped, so collapsing the same
outcomes again applies nothing. :func:`ownership` reads where every coin and unit ended up.

**Fan-out** is bounded by :func:`pass_on`: a claim may have ``limit`` dependants for free; each
further pass that hangs on it needs its passer to post a bond on the claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.contracts import Claim, Ruling
from oddsproof.errors import InvalidArgument, Refused
from oddsproof.errors import _validators as v
from oddsproof.ledger import (
    BondForfeit,
    BondPost,
    BondRelease,
    BondState,
    Entry,
    HoldingPass,
    HoldingRecord,
    HoldingState,
    Ledger,
    LedgerReason,
    Move,
    Receipt,
    Refund,
    ResolveCondition,
)
from oddsproof.wire import Digest, Identity, PublicKey, Signed, tagged_hash

from ._reasons import CollapseReason

REF_TAG: Final = "oddsproof/collapse-ref/v1"
RECOURSE_POOL: Final = Identity.from_seed(
    "recourse-pool", tagged_hash("oddsproof/recourse-pool/v1").raw
).key
"""The account a forfeited bond passes through when its reimbursement is shared among several
recipients; every collapse leaves it as it found it."""


def _ref(*parts: bytes) -> bytes:
    return tagged_hash(REF_TAG, *parts).raw


_optional_key = attrs.validators.optional(v.instance(PublicKey))


def _ratio(_inst: object, _attr: object, value: Any) -> None:
    if (
        type(value) is not tuple
        or len(value) != 2
        or not all(type(v) is int and 1 <= v < 1 << 32 for v in value)
        or Fraction(*value) > 1
    ):
        raise InvalidArgument("burn is a ratio (numerator, denominator) in (0, 1]")


@attrs.frozen
class Resolution:
    """A claim decided for good: ``upheld`` or failed. ``claimant`` owns the bonds that answer
    for a failure; ``prover`` (who proved it false) receives what the victims do not need."""

    claim: Digest = attrs.field(validator=v.instance(Digest))
    upheld: bool = attrs.field(validator=v.instance(bool))
    claimant: PublicKey | None = attrs.field(default=None, validator=_optional_key)
    prover: PublicKey | None = attrs.field(default=None, validator=_optional_key)

    @classmethod
    def of_ruling(
        cls,
        ruling: Signed[Ruling] | Ruling,
        claim: Signed[Claim] | Claim,
        *,
        prover: PublicKey | None = None,
    ) -> Resolution:
        """The outcome a final ruling gives ``claim``."""
        body = ruling.body if isinstance(ruling, Signed) else ruling
        claim_body = claim.body if isinstance(claim, Signed) else claim
        if not isinstance(body, Ruling) or not isinstance(claim_body, Claim):
            raise InvalidArgument("of_ruling takes a ruling and the claim it rules on")
        if not body.final:
            raise Refused(CollapseReason.NOT_FINAL, "only a final ruling decides a claim for good")
        if body.claim not in (None, claim_body.id) or body.statement != claim_body.statement.id:
            raise Refused(CollapseReason.WRONG_CLAIM, "the ruling is about another claim")
        return cls(claim_body.id, body.upheld, claim_body.claimant.key, prover)


@attrs.frozen
class RecoursePolicy:
    """How a failing claimant's bonds are split: ``burn`` is the share burned (a ratio, at
    least 1 unit per bond); ``pool`` the account a shared reimbursement passes through."""

    burn: tuple[int, int] = attrs.field(default=(1, 2), validator=_ratio)
    pool: PublicKey = attrs.field(default=RECOURSE_POOL, validator=v.instance(PublicKey))

    def burned(self, amount: int) -> int:
        """What burns of a forfeited bond of ``amount``."""
        share = Fraction(*self.burn)
        return min(amount, max(1, -(-amount * share.numerator // share.denominator)))


@attrs.frozen
class FanoutPolicy:
    """A claim may have ``limit`` dependant holdings for free; each further one needs its
    passer to post ``bond`` on the claim (released when the claim is upheld or when the passer
    is not its claimant; forfeited with the claimant's when it fails)."""

    limit: int = attrs.field(validator=v.integer(0))
    bond: int = attrs.field(validator=v.integer(1))


@attrs.frozen
class Loss:
    """What a failure of ``claim`` took from ``victim``, and what it got back."""

    claim: Digest = attrs.field(validator=v.instance(Digest))
    victim: PublicKey = attrs.field(validator=v.instance(PublicKey))
    amount: int = attrs.field(validator=v.integer(0))
    reimbursed: int = attrs.field(default=0, validator=v.integer(0))


@attrs.frozen
class CollapseReport:
    """What a collapse did: claims resolved, holdings unwound and made plain, losses and
    reimbursements, bonds forfeited and released, value burned, contracts swept, entries."""

    resolved: tuple[Resolution, ...] = attrs.field(validator=v.instance(tuple))
    unwound: int = attrs.field(validator=v.integer(0))
    settled: int = attrs.field(validator=v.integer(0))
    losses: tuple[Loss, ...] = attrs.field(validator=v.instance(tuple))
    forfeited: tuple[Digest, ...] = attrs.field(validator=v.instance(tuple))
    released: tuple[Digest, ...] = attrs.field(validator=v.instance(tuple))
    burned: int = attrs.field(validator=v.integer(0))
    to_prover: int = attrs.field(validator=v.integer(0))
    swept: tuple[Digest, ...] = attrs.field(validator=v.instance(tuple))
    entries: int = attrs.field(validator=v.integer(0))

    @property
    def changed(self) -> bool:
        """Whether anything was applied (``False`` on a repeated collapse)."""
        return self.entries > 0


_ESCROW: Final = "escrow"


def _survives(record: HoldingRecord, failed: set[Digest]) -> bool:
    return not any(c in failed for c in record.conditions)


def _check_outcomes(ledger: Ledger, outcomes: Iterable[Resolution]) -> list[Resolution]:
    seen: dict[Digest, Resolution] = {}
    fresh: list[Resolution] = []
    for outcome in outcomes:
        if not isinstance(outcome, Resolution):
            raise InvalidArgument("collapse takes Resolution values")
        earlier = seen.get(outcome.claim)
        if earlier is not None:
            if earlier.upheld != outcome.upheld:
                raise Refused(
                    CollapseReason.CONTRADICTORY, f"claim {outcome.claim} is both upheld and failed"
                )
            continue
        seen[outcome.claim] = outcome
        resolved = ledger.resolution(outcome.claim)
        if resolved is None:
            fresh.append(outcome)
        elif resolved != outcome.upheld:
            raise Refused(
                CollapseReason.ALREADY_RESOLVED,
                f"claim {outcome.claim} is already resolved the other way",
            )
    return fresh


def _losses(
    ledger: Ledger, failed: Sequence[Resolution]
) -> tuple[dict[tuple[Digest, PublicKey], int], set[Digest], int]:
    """Who loses what when ``failed`` fail, which contracts' escrow gets value back, and how
    many holdings unwind. One pass over the affected holdings, parents before children."""
    failed_ids = {o.claim for o in failed}
    order = {o.claim: i for i, o in enumerate(failed)}
    claimant = {o.claim: o.claimant for o in failed}
    affected: dict[Digest, HoldingRecord] = {}
    for outcome in failed:
        for record in ledger.holdings(claim=outcome.claim):
            if record.state in (HoldingState.LIVE, HoldingState.SPENT):
                affected[record.id] = record
    # Where each affected holding's value ends: the nearest ancestor that survives (its owner,
    # plainly if it has settled), or the escrow it came from.
    ends: dict[Digest, PublicKey | str] = {}
    contracts: set[Digest] = set()
    losses: dict[tuple[Digest, PublicKey], int] = {}
    for record in sorted(affected.values(), key=lambda r: r.holding.depth):
        holding = record.holding
        parent = holding.parent
        end: PublicKey | str
        if parent is None:
            assert holding.contract is not None
            end = _ESCROW
            contracts.add(holding.contract)
        elif parent in ends:
            end = ends[parent]
        else:
            above = ledger.holding(parent)
            end = above.owner if above is not None else _ESCROW
        ends[record.id] = end
        if record.amount and end != record.owner:
            blame = min((c for c in record.conditions if c in failed_ids), key=order.__getitem__)
            if record.owner != claimant[blame]:
                key = (blame, record.owner)
                losses[key] = losses.get(key, 0) + record.amount
    return losses, contracts, len(affected)


def _share(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` (≤ sum of weights) pro rata to ``weights``, largest remainders first,
    never giving anyone more than its weight."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    left = total - sum(shares)
    for i in remainders:
        if left == 0:
            break
        if shares[i] < weights[i]:
            shares[i] += 1
            left -= 1
    return shares


def _recourse(
    ledger: Ledger,
    outcome: Resolution,
    losses: dict[tuple[Digest, PublicKey], int],
    policy: RecoursePolicy,
) -> tuple[list[Entry], list[Loss], list[Digest], list[Digest], int, int]:
    """Entries that forfeit the failing claimant's bonds on the claim and pay the victims."""
    entries: list[Entry] = []
    forfeited: list[Digest] = []
    released: list[Digest] = []
    bonds = ledger.bonds(subject=outcome.claim, state=BondState.OPEN)
    mine = [b for b in bonds if b.owner == outcome.claimant]
    for b in bonds:
        if b.owner != outcome.claimant:
            entries.append(BondRelease(b.id, _ref(b"release", b.id.raw)))
            released.append(b.id)
    victims = sorted(
        ((v, amount) for (c, v), amount in losses.items() if c == outcome.claim),
        key=lambda item: item[0].raw,
    )
    available = sum(b.amount - policy.burned(b.amount) for b in mine)
    paid = _share(min(available, sum(a for _, a in victims)), [a for _, a in victims])
    recipients = [(v, p) for (v, _), p in zip(victims, paid, strict=True) if p]
    prover = outcome.prover
    rest = available - sum(paid)
    to_prover = 0
    if rest and prover is not None and prover != outcome.claimant:
        recipients.append((prover, rest))
        to_prover = rest
    distributed = sum(a for _, a in recipients)
    direct = recipients[0][0] if len(recipients) == 1 else None
    burned = 0
    left = distributed
    for b in mine:
        reimburse = min(b.amount - policy.burned(b.amount), left)
        left -= reimburse
        burned += b.amount - reimburse
        to = None if reimburse == 0 else (direct if direct is not None else policy.pool)
        entries.append(
            BondForfeit(b.id, b.amount - reimburse, reimburse, to, _ref(b"forfeit", b.id.raw))
        )
        forfeited.append(b.id)
    if direct is None:
        for who, amount in recipients:
            ref = _ref(b"recourse", outcome.claim.raw, who.raw)
            entries.append(Move(policy.pool, who, amount, ref))
    report = [Loss(outcome.claim, v, a, p) for (v, a), p in zip(victims, paid, strict=True)]
    return entries, report, forfeited, released, burned, to_prover


def collapse(
    ledger: Ledger,
    outcomes: Iterable[Resolution],
    *,
    policy: RecoursePolicy | None = None,
    closed: Callable[[Digest], bool] | None = None,
) -> CollapseReport:
    """Apply ``outcomes`` to the ledger in one transaction: resolve each claim, unwind what a
    failure takes back, take recourse to the failing claimants' bonds, release the other bonds
    on those claims, and (when ``closed(contract)`` says the contract has closed) refund value
    unwound into a closed contract's escrow. Idempotent."""
    if not isinstance(ledger, Ledger):
        raise InvalidArgument("collapse needs a Ledger")
    policy = RecoursePolicy() if policy is None else policy
    if not isinstance(policy, RecoursePolicy):
        raise InvalidArgument("policy is a RecoursePolicy")
    fresh = _check_outcomes(ledger, outcomes)
    failed = [o for o in fresh if not o.upheld]
    upheld = [o for o in fresh if o.upheld]
    losses, contracts, unwound = _losses(ledger, failed) if failed else ({}, set(), 0)
    pending = [
        r.id for o in upheld for r in ledger.holdings(claim=o.claim, state=HoldingState.LIVE)
    ]
    entries = 0
    loss_report: list[Loss] = []
    forfeited: list[Digest] = []
    released: list[Digest] = []
    burned = to_prover = 0
    swept: list[Digest] = []
    resolutions: list[bytes] = []
    with ledger.transaction():
        for outcome in (*failed, *upheld):
            entry = ResolveCondition(outcome.claim, outcome.upheld, _ref(b"resolve"))
            receipt = ledger.apply(entry)
            entries += 1 + len(receipt.derived)
            resolutions.append(entry.id.raw)
        for outcome in failed:
            more, lost, gone, freed, burnt, proved = _recourse(ledger, outcome, losses, policy)
            for e in more:
                ledger.apply(e)
            entries += len(more)
            loss_report += lost
            forfeited += gone
            released += freed
            burned += burnt
            to_prover += proved
        for outcome in upheld:
            for b in ledger.bonds(subject=outcome.claim, state=BondState.OPEN):
                ledger.apply(BondRelease(b.id, _ref(b"release", b.id.raw)))
                released.append(b.id)
                entries += 1
        if closed is not None:
            for contract in sorted(contracts, key=lambda d: d.raw):
                if closed(contract) and sweep(ledger, contract, ref=_ref(b"sweep", *resolutions)):
                    swept.append(contract)
                    entries += 1
    settled = 0
    for holding in pending:
        record = ledger.holding(holding)
        settled += record is not None and record.state is HoldingState.SETTLED
    return CollapseReport(
        tuple(fresh),
        unwound,
        settled,
        tuple(loss_report),
        tuple(forfeited),
        tuple(released),
        burned,
        to_prover,
        tuple(swept),
        entries,
    )


def sweep(ledger: Ledger, contract: Digest, *, ref: bytes) -> Receipt | None:
    """Refund whatever is left in a closed ``contract``'s escrow (value a failed claim unwound
    into it after it closed); ``None`` if nothing is left. Call it only for a closed contract:
    a running contract still pays out of its escrow."""
    if not isinstance(contract, Digest):
        raise InvalidArgument("sweep takes a contract id")
    if not any(ledger.escrows(contract).values()) and not ledger.coins(contract=contract):
        return None
    return ledger.apply(Refund(contract, _ref(b"refund", contract.raw, ref)))


def pass_on(ledger: Ledger, entry: HoldingPass, *, policy: FanoutPolicy) -> tuple[Receipt, ...]:
    """Apply a :class:`HoldingPass`, first posting the passer's fan-out bond on every
    unresolved claim that already has ``policy.limit`` dependants, all in one transaction.

    Raises :class:`~oddsproof.errors.Refused` (nothing applied) when the passer cannot post a bond
    it needs; the ledger's own errors when the pass itself cannot apply."""
    if not isinstance(entry, HoldingPass) or not isinstance(policy, FanoutPolicy):
        raise InvalidArgument("pass_on takes a HoldingPass and a FanoutPolicy")
    if ledger.has_entry(entry.id):
        return (ledger.apply(entry),)
    parent = ledger.holding(entry.holding)
    conditions = set() if parent is None else set(parent.conditions)
    if entry.condition is not None:
        conditions.add(entry.condition)
    bonds = []
    for claim in sorted(conditions, key=lambda d: d.raw):
        if ledger.resolution(claim) is None and len(ledger.holdings(claim=claim)) >= policy.limit:
            ref = _ref(b"fanout", entry.id.raw, claim.raw)
            bonds.append(BondPost(entry.owner, policy.bond, claim, ref))
    with ledger.transaction():
        receipts = []
        for bond in bonds:
            try:
                receipts.append(ledger.apply(bond))
            except Refused as exc:
                if exc.reason is not LedgerReason.INSUFFICIENT_FUNDS:
                    raise
                raise Refused(
                    CollapseReason.FANOUT_EXCEEDED,
                    f"claim {bond.subject} already has {policy.limit} dependants: the passer"
                    f" must post a bond of {policy.bond} for one more ({exc})",
                ) from exc
        receipts.append(ledger.apply(entry))
    return tuple(receipts)


@attrs.frozen
class Ownership:
    """Where value is: every named coin with its owner and how it is held (``plain``,
    ``conditional`` or ``escrow``), plain balances, and live conditional amounts per owner."""

    coins: tuple[tuple[str, PublicKey, str], ...] = attrs.field(validator=v.instance(tuple))
    balances: tuple[tuple[PublicKey, int], ...] = attrs.field(validator=v.instance(tuple))
    conditional: tuple[tuple[PublicKey, int], ...] = attrs.field(validator=v.instance(tuple))

    def owner(self, coin: str) -> PublicKey | None:
        """Who holds ``coin``, if it exists."""
        for name, key, _ in self.coins:
            if name == coin:
                return key
        return None


def ownership(ledger: Ledger) -> Ownership:
    """Final ownership as the ledger now has it (after :func:`collapse`)."""
    if not isinstance(ledger, Ledger):
        raise InvalidArgument("ownership reads a Ledger")
    coins = tuple(
        (
            c.coin,
            c.owner,
            "plain" if c.plain else ("escrow" if c.contract is not None else "conditional"),
        )
        for c in sorted(ledger.coins(), key=lambda c: c.coin)
    )
    balances = tuple(sorted(ledger.balances().items(), key=lambda kv: kv[0].raw))
    held: dict[PublicKey, int] = {}
    for record in ledger.holdings(state=HoldingState.LIVE):
        if record.holding.coin is None:
            held[record.owner] = held.get(record.owner, 0) + record.amount
    conditional = tuple(sorted(held.items(), key=lambda kv: kv[0].raw))
    return Ownership(coins, balances, conditional)
