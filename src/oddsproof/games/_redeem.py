"""Lottery accounts on the ledger: deposits, penalty escrow, unlocking, and redemption.

Everything is an ordinary ledger entry (``contracts._ledger``), so it is journaled, exactly
once, and persisted when the ledger is the SQLite store:

============================  ===================================================================
the sender's deposit          ``EscrowLock`` into the escrow whose contract id is the account's id
the penalty escrow            ``BondPost`` by the sender, subject = the account's id
the worker's bond             ``BondPost`` by the worker, subject = the job (computation) id
a paid ticket                 ``ResolveCondition(ticket id, upheld)`` + ``Payout`` from the deposit
                              (ref = ``lottery/pay/`` ‖ ticket id)
an overdraft                  the deposit's remainder is paid, and each open penalty bond is
                              forfeited: at most half reimburses the recipient, the rest burns
a voided ticket (false step)  ``ResolveCondition(ticket id, failed)`` + ``BondForfeit`` of the
                              worker's bond (half to the sender by default, the rest burned)
unlocking                     an :class:`UnlockRequest` object and the head
                              ``lottery/unlock/<account>``; ``Refund`` + ``BondRelease`` after
                              the unlock period
nonces                        the head ``lottery/nonce/<account>/<recipient>/<nonce>`` → ticket id
============================  ===================================================================

A ticket is settled once: the ledger refuses a second ``ResolveCondition`` of the same id, and
a retried redemption (same entries, same refs) is a duplicate that changes nothing. So a
redeemed ticket redeemed again pays nothing, whatever the caller does.

Redemption of a winning ticket requires the one span it commits to be verified: the recipient
opens the input state, the ledger side re-runs the span (or accepts a final ruling of one of
the account's judges) and compares the output hash. A failed span voids the ticket and slashes
the worker's bond. A winning ticket nobody opened by its expiry can be voided by anyone, with
the same slash: the chain continues from every committed output, so an honest worker can
always open its steps.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final

import attrs

from oddsproof.contracts import Ruling
from oddsproof.errors import InvalidArgument, OddsproofError, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.ledger import (
    BondForfeit,
    BondPost,
    BondRecord,
    BondRelease,
    BondState,
    EscrowLock,
    Ledger,
    Payout,
    Receipt,
    Refund,
    ResolveCondition,
    Stake,
    Transfer,
)
from oddsproof.wire import Canonical, Digest, Domain, Identity, Signed, canonical

from ._beacon import Beacon
from ._computation import Array, SerialComputation
from ._noise import SeedSchedule
from ._tickets import (
    LotteryAccount,
    StepCommitment,
    TicketReason,
    WinningTicket,
    check_rounds,
    round_randomness,
)

MAX_REF: Final = 32
"""Longest caller ref of a funding operation (the ledger adds a prefix)."""
UNLOCK_HEAD: Final = "lottery/unlock/"
NONCE_HEAD: Final = "lottery/nonce/"


class RedemptionOutcome(enum.Enum):
    """What a redemption did to the ticket."""

    PAID = "paid"
    """The step held; the ticket paid its face value (or what deposit and penalty covered)."""
    VOIDED = "voided"
    """The step failed (or was never opened): the ticket pays nothing, the worker is slashed."""


@attrs.frozen
class Redemption:
    """The result of redeeming (or voiding) a winning ticket.

    ``paid`` is what the recipient received in all, ``from_penalty`` the part of it reimbursed
    from the sender's forfeited penalty escrow; ``burned`` is what was burned (penalty or worker
    bond); ``slashed`` the worker's bond forfeited; ``receipts`` the ledger's receipts.
    """

    ticket: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    outcome: RedemptionOutcome = attrs.field(
        validator=attrs.validators.instance_of(RedemptionOutcome)
    )
    paid: int = attrs.field(validator=v.amount)
    from_penalty: int = attrs.field(validator=v.amount)
    burned: int = attrs.field(validator=v.amount)
    slashed: int = attrs.field(validator=v.amount)
    receipts: tuple[Receipt, ...] = attrs.field(validator=attrs.validators.instance_of(tuple))


@attrs.frozen
class AccountState:
    """What backs an account now: the deposit, the open penalty escrow, and, once the sender
    asked to withdraw, when it asked and from when it may."""

    deposit: int = attrs.field(validator=v.amount)
    penalty: int = attrs.field(validator=v.amount)
    unlock_requested: int | None = attrs.field()
    withdrawable: int | None = attrs.field()

    @property
    def unlocking(self) -> bool:
        """Whether the sender has asked to withdraw (recipients refuse new tickets then)."""
        return self.unlock_requested is not None


@canonical("lottery-unlock")
@attrs.frozen
class UnlockRequest(Canonical):
    """The sender's request, at time ``requested``, to withdraw the account's deposit and
    penalty escrow; they stay locked for the account's unlock period after it."""

    account: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    requested: int = attrs.field(validator=v.amount)


def _check_ledger(ledger: object) -> Ledger:
    if not isinstance(ledger, Ledger):
        raise InvalidArgument("expected a Ledger (MemoryLedger or SqliteLedger)")
    return ledger


def _check_account(account: object) -> LotteryAccount:
    if not isinstance(account, LotteryAccount):
        raise InvalidArgument("expected a LotteryAccount")
    return account


def _check_ref(ref: object) -> bytes:
    if not isinstance(ref, bytes) or not 1 <= len(ref) <= MAX_REF:
        raise InvalidArgument(f"a ref is 1 to {MAX_REF} bytes")
    return ref


def _refused(exc: OddsproofError) -> OddsproofError:
    """A refusal passes through with its reason; anything else is the caller's mistake."""
    return exc if isinstance(exc, Refused) else InvalidArgument(f"the ledger refused: {exc}")


def fund_account(
    ledger: Ledger, account: LotteryAccount, *, deposit: int = 0, penalty: int = 0, ref: bytes
) -> tuple[Receipt, ...]:
    """Lock ``deposit`` into the account's escrow and post ``penalty`` as the sender's penalty
    bond, in one transaction (escrow before promise). ``ref`` names this funding operation: retrying
    with the same ref changes nothing. Raises the ledger's ``INSUFFICIENT_FUNDS`` refusal if the
    sender lacks the amount."""
    _check_ledger(ledger)
    _check_account(account)
    _check_ref(ref)
    for name, value in (("deposit", deposit), ("penalty", penalty)):
        if type(value) is not int or value < 0:
            raise InvalidArgument(f"{name} is a non-negative integer, got {value!r}")
    if not deposit and not penalty:
        raise InvalidArgument("fund a positive deposit or penalty")
    sender = account.sender.key
    entries: list[Any] = []
    if deposit:
        stake = (Stake(sender, deposit),)
        entries.append(EscrowLock(account.id, stake, b"lottery/deposit/" + ref))
    if penalty:
        entries.append(BondPost(sender, penalty, account.id, b"lottery/penalty/" + ref))
    return ledger.apply_all(entries)


def penalty_bonds(ledger: Ledger, account: LotteryAccount) -> tuple[BondRecord, ...]:
    """The sender's open penalty bonds on this account."""
    return _check_ledger(ledger).bonds(
        owner=account.sender.key, subject=account.id, state=BondState.OPEN
    )


def _unlock(ledger: Ledger, account: LotteryAccount) -> UnlockRequest | None:
    head = ledger.head(UNLOCK_HEAD + account.id.hex())
    return None if head is None else ledger.get(head, UnlockRequest)


def account_state(ledger: Ledger, account: LotteryAccount) -> AccountState:
    """The deposit, open penalty escrow and unlock status of ``account``."""
    _check_ledger(ledger)
    _check_account(account)
    request = _unlock(ledger, account)
    return AccountState(
        ledger.escrow(account.id, account.sender.key),
        sum(b.amount for b in penalty_bonds(ledger, account)),
        None if request is None else request.requested,
        None if request is None else request.requested + account.unlock_period,
    )


def request_unlock(ledger: Ledger, account: LotteryAccount, *, now: int) -> int:
    """Record the sender's request to withdraw; returns the time from which it may.

    From now on recipients refuse new tickets (``SENDER_UNLOCKING``); tickets already accepted
    stay redeemable until the deposit is withdrawn, which the unlock period delays past their
    expiry.
    """
    _check_ledger(ledger)
    _check_account(account)
    v.check_now(now)
    with ledger.transaction():
        if _unlock(ledger, account) is not None:
            raise InvalidArgument("the sender has already asked to unlock this account")
        request = UnlockRequest(account.id, now)
        ledger.set_head(UNLOCK_HEAD + account.id.hex(), ledger.put(request))
    return now + account.unlock_period


def withdraw(ledger: Ledger, account: LotteryAccount, *, now: int) -> tuple[Receipt, ...]:
    """Return the deposit and the open penalty bonds to the sender, once the unlock period has
    passed since the request."""
    _check_ledger(ledger)
    _check_account(account)
    v.check_now(now)
    request = _unlock(ledger, account)
    if request is None:
        raise InvalidArgument("ask to unlock first (request_unlock)")
    if now < request.requested + account.unlock_period:
        raise InvalidArgument(
            f"the deposit is locked until {request.requested + account.unlock_period}"
        )
    stamp = request.requested.to_bytes(8, "big")
    entries: list[Any] = [Refund(account.id, b"lottery/withdraw/" + stamp)]
    entries += [
        BondRelease(b.id, b"lottery/withdraw/" + stamp) for b in penalty_bonds(ledger, account)
    ]
    try:
        return ledger.apply_all(entries)
    except OddsproofError as exc:
        raise _refused(exc) from exc


def post_worker_bond(
    ledger: Ledger, worker: Identity, job: Digest, amount: int, *, ref: bytes
) -> Digest:
    """The worker's bond on a job (slashed if a winning step of the job fails); returns the
    bond's id."""
    _check_ledger(ledger)
    if not isinstance(worker, Identity) or not isinstance(job, Digest):
        raise InvalidArgument("post_worker_bond takes the worker's Identity and the job id")
    entry = BondPost(worker.key, amount, job, b"lottery/bond/" + _check_ref(ref))
    ledger.apply(entry)
    return entry.id


# ---------------------------------------------------------------------------------------------
# Verifying one span


def verify_step(
    computation: SerialComputation,
    step: StepCommitment,
    state: Array,
    *,
    seeds: SeedSchedule | None = None,
) -> bool:
    """Re-run the span ``step`` commits to from ``state`` and compare the output hash.

    Returns ``False`` if the span lies outside the job, names another seed than ``seeds``
    gives, or re-running it gives another hash (or fails). Raises :class:`Refused`
    (``BAD_OPENING``) if ``state`` does not hash to the committed input: that is the opener's
    mistake, not a verdict. Raises ``InvalidArgument`` if ``computation`` is not the step's job.
    """
    if not isinstance(computation, SerialComputation) or not isinstance(step, StepCommitment):
        raise InvalidArgument("verify_step takes a SerialComputation and a StepCommitment")
    if computation.spec.id != step.job:
        raise InvalidArgument("the computation is not the job the step commits to")
    try:
        opened = computation.state_hash(state)
    except (OddsproofError, TypeError, ValueError) as exc:
        raise Refused(TicketReason.BAD_OPENING, f"cannot hash the state: {exc}") from exc
    if opened != step.input:
        raise Refused(TicketReason.BAD_OPENING, "the state is not the committed input")
    if step.stop > computation.steps:
        return False
    if seeds is not None and seeds.seed(step.index) != step.seed:
        return False
    try:
        return computation.state_hash(computation.run(state, step.index, step.stop)) == step.output
    except Exception:  # noqa: BLE001 - user code: a state the step cannot follow is a failed step
        return False


def judge_step(
    winner: WinningTicket,
    computation: SerialComputation,
    state: Array,
    *,
    judge: Identity,
    domain: Domain,
    now: int,
    seeds: SeedSchedule | None = None,
) -> Signed[Ruling]:
    """A judge's signed, final ruling on the span a winning ticket commits to.

    The statement is the step commitment's id, the claim the ticket's id, the contract the
    account's id and the evidence the opened state's hash. A redemption accepts it in place of
    re-running the span when the judge is one of the account's judges.
    """
    if not isinstance(winner, WinningTicket) or not isinstance(judge, Identity):
        raise InvalidArgument("judge_step takes a WinningTicket and the judge's Identity")
    step = winner.ticket.step
    upheld = verify_step(computation, step, state, seeds=seeds)
    ruling = Ruling(
        statement=step.id,
        upheld=upheld,
        claim=winner.ticket.id,
        contract=winner.ticket.account,
        evidence=step.input,
        level=0,
        final=True,
        issued=v.check_now(now),
    )
    return Signed.create(ruling, domain, judge)


def _ruling_verdict(
    ruling: Signed[Ruling], winner: WinningTicket, account: LotteryAccount, domain: Domain
) -> bool:
    if not isinstance(ruling, Signed) or not isinstance(ruling.body, Ruling):
        raise InvalidArgument("a ruling is a signed Ruling")
    body = ruling.body
    judges = {p.key for p in account.judges}
    if not any(key in judges for key in ruling.signers):
        raise Refused(TicketReason.NOT_A_JUDGE, "no judge of the account signed it")
    try:
        ruling.verify(domain)
    except SignatureError as exc:
        raise Refused(TicketReason.BAD_SIGNATURE, str(exc)) from exc
    if body.claim != winner.ticket.id or body.statement != winner.ticket.step.id or not body.final:
        raise Refused(TicketReason.UNKNOWN_STEP, "the ruling is about another step")
    return body.upheld


# ---------------------------------------------------------------------------------------------
# Redemption


def _winning(
    ledger: Ledger,
    winner: WinningTicket,
    *,
    account: LotteryAccount,
    beacon: Beacon,
    domain: Domain,
    now: int,
) -> None:
    """Every check of a winning ticket but the step and the expiry."""
    if not isinstance(winner, WinningTicket):
        raise InvalidArgument("expected a WinningTicket")
    _check_ledger(ledger)
    _check_account(account)
    v.check_now(now)
    winner.check(account, domain)
    ticket = winner.ticket
    check_rounds(ticket, account)
    if ledger.resolution(ticket.id) is not None:
        raise Refused(TicketReason.ALREADY_REDEEMED, "the ledger has settled it")
    nonce = ledger.head(_nonce_head(winner))
    if nonce is not None and nonce != ticket.id:
        raise Refused(TicketReason.NONCE_REUSED, "another ticket used this nonce")
    if not ticket.wins(round_randomness(beacon, account, ticket, now=now)):
        raise Refused(TicketReason.NOT_A_WINNER, "the draw is not below the threshold")


def _nonce_head(winner: WinningTicket) -> str:
    t = winner.ticket
    return f"{NONCE_HEAD}{t.account.hex()}/{t.recipient.hex()}/{t.nonce}"


def _slash(
    ledger: Ledger, winner: WinningTicket, share: tuple[int, int]
) -> tuple[list[Any], int, int]:
    ticket = winner.ticket
    bonds = ledger.bonds(owner=ticket.recipient, subject=ticket.step.job, state=BondState.OPEN)
    if not bonds:
        return [], 0, 0
    bond = bonds[0]
    reimburse = min(bond.amount * share[0] // share[1], bond.amount - 1)
    if ticket.sender == ticket.recipient:
        reimburse = 0  # a bond is never reimbursed to its own owner
    entry = BondForfeit(
        bond.id,
        bond.amount - reimburse,
        reimburse,
        ticket.sender if reimburse else None,
        b"lottery/slash/" + ticket.id.raw,
    )
    return [entry], bond.amount, bond.amount - reimburse


def _settle(
    ledger: Ledger, winner: WinningTicket, build: Callable[[], tuple[list[Any], Redemption]]
) -> Redemption:
    """Run ``build`` (which reads the ledger and returns the entries and the result) and apply
    its entries in one transaction, re-checking that the ticket is still unsettled inside it,
    so that two concurrent redemptions of one ticket cannot both apply."""
    try:
        with ledger.transaction():
            if ledger.resolution(winner.ticket.id) is not None:
                raise Refused(TicketReason.ALREADY_REDEEMED, "the ledger has settled it")
            entries, result = build()
            receipts = ledger.apply_all(entries)
            ledger.put(winner)
            ledger.set_head(_nonce_head(winner), winner.ticket.id)
    except OddsproofError as exc:
        raise _refused(exc) from exc
    return attrs.evolve(result, receipts=receipts)


def _void(ledger: Ledger, winner: WinningTicket, share: tuple[int, int], why: bytes) -> Redemption:
    def build() -> tuple[list[Any], Redemption]:
        entries, slashed, burned = _slash(ledger, winner, share)
        resolve = ResolveCondition(winner.ticket.id, False, b"lottery/void/" + why)
        outcome = RedemptionOutcome.VOIDED
        return [resolve, *entries], Redemption(winner.ticket.id, outcome, 0, 0, burned, slashed, ())

    return _settle(ledger, winner, build)


def _pay(ledger: Ledger, winner: WinningTicket, account: LotteryAccount) -> Redemption:
    ticket, recipient = winner.ticket, winner.batch.body.recipient

    def build() -> tuple[list[Any], Redemption]:
        deposit = ledger.escrow(account.id, account.sender.key)
        bonds = penalty_bonds(ledger, account)
        if deposit == 0 and not bonds:
            raise Refused(
                TicketReason.FACE_VALUE_UNCOVERED, "the sender's deposit and penalty are gone"
            )
        paid = min(ticket.face_value, deposit)
        shortfall = ticket.face_value - paid
        entries: list[Any] = [ResolveCondition(ticket.id, True, b"lottery/redeem")]
        if paid:
            transfer = Transfer(account.sender, recipient, paid)
            entries.append(Payout(account.id, transfer, b"lottery/pay/" + ticket.id.raw))
        from_penalty = burned = 0
        if shortfall:
            # Overdraft: the whole penalty escrow is forfeited; at most half of each bond makes
            # the recipient whole, the rest burns, so an overdraft never pays a colluding
            # recipient everything the sender locked.
            for n, bond in enumerate(bonds):
                reimburse = min(shortfall - from_penalty, bond.amount // 2)
                if recipient.key == account.sender.key:
                    reimburse = 0  # a bond is never reimbursed to its own owner
                entries.append(
                    BondForfeit(
                        bond.id,
                        bond.amount - reimburse,
                        reimburse,
                        recipient.key if reimburse else None,
                        b"lottery/overdraft/" + n.to_bytes(2, "big") + ticket.id.raw,
                    )
                )
                from_penalty += reimburse
                burned += bond.amount - reimburse
        total = paid + from_penalty
        result = Redemption(ticket.id, RedemptionOutcome.PAID, total, from_penalty, burned, 0, ())
        return entries, result

    return _settle(ledger, winner, build)


def _share(value: object) -> tuple[int, int]:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(type(v) is int for v in value)
        or not 0 <= value[0] <= value[1]
        or value[1] == 0
    ):
        raise InvalidArgument("slash_share is (numerator, denominator) with 0 <= n <= d, d > 0")
    return value[0], value[1]


def redeem(
    ledger: Ledger,
    winner: WinningTicket,
    *,
    account: LotteryAccount,
    beacon: Beacon,
    domain: Domain,
    now: int,
    computation: SerialComputation | None = None,
    state: Array | None = None,
    seeds: SeedSchedule | None = None,
    ruling: Signed[Ruling] | None = None,
    slash_share: tuple[int, int] = (1, 2),
) -> Redemption:
    """Redeem a winning ticket at time ``now``: check it, verify its span, pay or void it.

    Checks (each a :class:`Refused` with its reason): the batch's two signatures and
    the inclusion proof, account and parties, the round margin, not already settled, the nonce
    not used by another settled ticket, the draw wins under the account's beacon, and
    ``now`` before the expiry. Then the span: re-run from ``state`` with ``computation`` (and
    ``seeds``, to check the committed seed), or a final ``ruling`` by one of the account's
    judges. A true span pays the face value out of the deposit (an overdraft forfeits the
    penalty escrow, see the module doc); a false one voids the ticket and forfeits the worker's
    bond, ``slash_share`` of it to the sender and the rest burned. One transaction either way.
    """
    _winning(ledger, winner, account=account, beacon=beacon, domain=domain, now=now)
    share = _share(slash_share)
    ticket = winner.ticket
    if now >= ticket.expiry:
        raise Refused(TicketReason.EXPIRED, f"the ticket expired at {ticket.expiry}")
    if ruling is not None:
        holds = _ruling_verdict(ruling, winner, account, domain)
    elif computation is not None and state is not None:
        holds = verify_step(computation, ticket.step, state, seeds=seeds)
    else:
        raise InvalidArgument("give the computation and the opened state, or a judge's ruling")
    if not holds:
        return _void(ledger, winner, share, b"false-step")
    return _pay(ledger, winner, account)


def void_unopened(
    ledger: Ledger,
    winner: WinningTicket,
    *,
    account: LotteryAccount,
    beacon: Beacon,
    domain: Domain,
    now: int,
    slash_share: tuple[int, int] = (1, 2),
) -> Redemption:
    """Void a winning ticket that nobody redeemed by its expiry, and slash the worker's bond.

    Anyone holding the winner (the sender has the batch) may call it at or after the expiry:
    the worker had until then to open the span, which an honest worker always can.
    """
    _winning(ledger, winner, account=account, beacon=beacon, domain=domain, now=now)
    share = _share(slash_share)
    if now < winner.ticket.expiry:
        raise InvalidArgument(
            f"the worker may open the step until {winner.ticket.expiry}; it is {now}"
        )
    return _void(ledger, winner, share, b"unopened")
