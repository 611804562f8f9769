"""Lottery tickets that pay for the steps of a serial job, and their validation.

Alice (the sender, who pays) backs a :class:`LotteryAccount` with a deposit and a penalty
escrow. Bob (the recipient, who works) computes steps and commits each one
(:class:`StepCommitment`: the job, the step index, input state hash, noise seed, output state
hash). For every committed step Alice issues a :class:`Ticket` of face value ``v`` that wins
with probability ``p``: its expected value ``v·p`` is the price of the step.

**The draw.** A ticket names a beacon round in the future of both parties' signatures and wins
iff ``tagged_hash("oddsproof/ticket-draw/v1", ticket id ‖ round randomness)``, read as a
256-bit big-endian number, is below its threshold (``p·2**256``). The ticket id is the tagged
hash of the ticket's canonical bytes, which bind the step commitment Bob chose and the nonce
Alice chose; signature bytes never feed the draw (signatures are not unique). Neither party can
grind: both sign before the round exists, and a recipient refuses a ticket whose round is
already published, or closer than the account's margin to the last round the sender had seen.

**Batches.** One Ed25519 signature costs about as much as a small step, so Alice signs one
:class:`TicketBatch` per batch of tickets: a Merkle root (RFC 6962, leaf = ticket id) over the
tickets. Bob checks every ticket, recomputes the root and co-signs the batch: his signature is
his acceptance, and it binds him to the step commitments inside (a false one, if it wins, costs
him his bond). A winner is redeemable alone: :class:`WinningTicket` carries the ticket, the
doubly signed batch and the ticket's inclusion proof. A batch of one is a plainly signed ticket.

**Validation** raises :class:`Refused` with a :class:`TicketReason` reason, in the
spirit of Livepeer's sender and recipient checks (``pm/recipient.go``, ``pm/validator.go``):
wrong recipient, bad signature, round already published or too close, expired, nonce reused,
face value above the deposit, sender unlocking; redemption adds "already redeemed" and the step
check (``_redeem``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument, Reason, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.wire import (
    INT_LIMIT,
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    PublicKey,
    Signed,
    canonical,
    encode,
    merkle_leaf_hash,
    tagged_hash,
)

from ._beacon import Beacon, BeaconReason, BeaconSpec, RoundValue
from ._merkle import InclusionProof, MerkleTree, leaf_hashes, verify_inclusion
from ._noise import SeedSchedule

TICKET_DRAW_TAG: Final = "oddsproof/ticket-draw/v1"
THRESHOLD_SIZE: Final = 32
ACCOUNT_NONCE_SIZE: Final = 16
MAX_BATCH: Final = 1 << 16
"""Most tickets under one batch signature."""
MAX_SPAN: Final = 1 << 20
"""Most steps one ticket may cover."""
MAX_JUDGES: Final = 16
_THRESHOLD_LIMIT: Final = 1 << 256


class TicketReason(Reason):
    """Why a ticket, a batch or a redemption was refused."""

    WRONG_ACCOUNT = "wrong-account"
    """The ticket or batch names another lottery account."""
    WRONG_SENDER = "wrong-sender"
    """The ticket's sender is not the account's."""
    WRONG_RECIPIENT = "wrong-recipient"
    """The ticket is made out to someone else."""
    BAD_SIGNATURE = "bad-signature"
    """The batch is not signed by the sender (and, to redeem, the recipient) in this domain."""
    BAD_PROOF = "bad-proof"
    """The ticket is not in the batch: wrong root, size or inclusion proof."""
    BAD_TERMS = "bad-terms"
    """Face value or win probability other than the recipient accepts, or a batch that does
    not hold what it says."""
    ROUND_PUBLISHED = "round-published"
    """The target round is already public (or about to be): the sender could know the draw."""
    ROUND_TOO_CLOSE = "round-too-close"
    """The target round is less than the account's margin after the round the sender had seen."""
    EXPIRED = "expired"
    """Presented at or after its expiry, or expiring before it can be drawn and redeemed."""
    NONCE_REUSED = "nonce-reused"
    """A nonce not above every nonce the recipient has accepted from this account."""
    ALREADY_REDEEMED = "already-redeemed"
    """The ledger has already paid or voided this ticket."""
    FACE_VALUE_UNCOVERED = "face-value-uncovered"
    """The face value is above what the sender's deposit covers (or nothing is left at all)."""
    SENDER_UNLOCKING = "sender-unlocking"
    """The sender has asked to withdraw its deposit: no new tickets are accepted."""
    NOT_A_WINNER = "not-a-winner"
    """The ticket's draw is not below its threshold."""
    WRONG_BEACON = "wrong-beacon"
    """A round value that is not the account's beacon's, or does not verify."""
    UNKNOWN_STEP = "unknown-step"
    """The ticket commits to a step the recipient did not commit (or another job's)."""
    BROKEN_CHAIN = "broken-chain"
    """A step whose input is not the previous step's output, or whose index does not follow."""
    WRONG_SEED = "wrong-seed"
    """A step committed with another noise seed than the sender's schedule gives."""
    BAD_OPENING = "bad-opening"
    """The state offered for a winning step does not hash to its committed input."""
    NOT_A_JUDGE = "not-a-judge"
    """A ruling on a step signed by nobody the account names as a judge."""


def _reject(reason: TicketReason, message: str) -> Refused:
    return Refused(reason, message)


# ---------------------------------------------------------------------------------------------
# Validators


def _check_int(name: str, value: object, low: int, high: int = INT_LIMIT) -> int:
    return v.check_int(name, value, low=low, high=high)


_int_range = v.integer
_count = v.amount
_positive = v.positive
_digest = attrs.validators.instance_of(Digest)
_key = attrs.validators.instance_of(PublicKey)
_party = attrs.validators.instance_of(Party)


def _threshold(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != THRESHOLD_SIZE:
        raise InvalidArgument(f"a win threshold is {THRESHOLD_SIZE} big-endian bytes")


def _account_nonce(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != ACCOUNT_NONCE_SIZE:
        raise InvalidArgument(f"an account nonce is {ACCOUNT_NONCE_SIZE} bytes")


def _judges(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > MAX_JUDGES:
        raise InvalidArgument(f"an account names at most {MAX_JUDGES} judges, as a tuple")
    if not all(isinstance(p, Party) for p in value):
        raise InvalidArgument("judges are Party values")
    keys = [p.key.raw for p in value]
    if keys != sorted(set(keys)):
        raise InvalidArgument("judges are sorted by key, each once")


def win_threshold(probability: Fraction | int) -> bytes:
    """The 32-byte threshold of a win probability ``p`` in (0, 1]: ``⌊p·2**256⌋``, capped at
    ``2**256 − 1`` (so ``p = 1`` loses with probability ``2**-256``)."""
    if isinstance(probability, bool) or not isinstance(probability, Fraction | int):
        raise InvalidArgument(f"a win probability is an exact Fraction, got {probability!r}")
    if not 0 < probability <= 1:
        raise InvalidArgument(f"a win probability lies in (0, 1], got {probability}")
    numerator = min(int(Fraction(probability) * _THRESHOLD_LIMIT), _THRESHOLD_LIMIT - 1)
    if numerator == 0:
        raise InvalidArgument(f"the win probability {probability} is below 2**-256")
    return numerator.to_bytes(THRESHOLD_SIZE, "big")


def threshold_probability(threshold: bytes) -> Fraction:
    """The exact win probability of a threshold: ``threshold / 2**256``."""
    _threshold(None, None, threshold)
    return Fraction(int.from_bytes(threshold, "big"), _THRESHOLD_LIMIT)


# ---------------------------------------------------------------------------------------------
# Objects


@canonical("lottery-account")
@attrs.frozen
class LotteryAccount(Canonical):
    """A sender's lottery account: whose deposit backs the tickets, whose beacon draws them.

    Its id is the ledger escrow (``contract``) that holds the deposit and the subject of the
    sender's penalty bond. ``margin`` is the least number of rounds between the last round the
    sender had seen and a ticket's target round. ``unlock_period`` is how long, in seconds,
    the deposit stays locked after the sender asks to withdraw (longer than any ticket's
    life, so every accepted ticket can still be redeemed). ``judges`` are the parties whose
    signed rulings on a step a redemption may rest on instead of re-running it.
    """

    sender: Party = attrs.field(validator=_party)
    beacon: BeaconSpec = attrs.field(validator=attrs.validators.instance_of(BeaconSpec))
    margin: int = attrs.field(validator=_positive)
    unlock_period: int = attrs.field(validator=_count)
    judges: tuple[Party, ...] = attrs.field(default=(), validator=_judges)
    created: int = attrs.field(default=0, validator=_count)
    nonce: bytes = attrs.field(
        factory=lambda: os.urandom(ACCOUNT_NONCE_SIZE), validator=_account_nonce
    )


@canonical("step-commitment")
@attrs.frozen
class StepCommitment(Canonical):
    """A worker's word on ``span`` steps of a job: from the state hashing to ``input`` at step
    ``index``, with noise seed ``seed`` (the seed of step ``index``; later steps' seeds follow
    by the seed chain), the state after step ``index + span − 1`` hashes to ``output``.

    ``job`` is the id of the serial computation (``Computation``), which names F, the number of
    steps, the precision and the parameters (noise magnitude, first seed).
    """

    job: Digest = attrs.field(validator=_digest)
    index: int = attrs.field(validator=_count)
    span: int = attrs.field(validator=_int_range(1, MAX_SPAN + 1))
    input: Digest = attrs.field(validator=_digest)
    seed: Digest = attrs.field(validator=_digest)
    output: Digest = attrs.field(validator=_digest)

    @property
    def stop(self) -> int:
        """The index of the first step after this commitment."""
        return self.index + self.span


@canonical("lottery-ticket")
@attrs.frozen
class Ticket(Canonical):
    """A probabilistic payment of ``face_value`` from ``sender`` to ``recipient`` for one step
    commitment, winning with probability ``threshold / 2**256`` at beacon round ``round``.

    ``seen_round`` is the last round the sender had seen when signing; ``round`` must be at least
    the account's margin after it. ``nonce`` is the sender's, strictly increasing per account
    and recipient. ``expiry`` is the time (seconds) from which the ticket can no longer be
    redeemed. Fields are only type-checked here, so that a tampered ticket can be built and
    refused with a reason by :func:`check_ticket`.
    """

    account: Digest = attrs.field(validator=_digest)
    sender: PublicKey = attrs.field(validator=_key)
    recipient: PublicKey = attrs.field(validator=_key)
    face_value: int = attrs.field(validator=_positive)
    threshold: bytes = attrs.field(validator=_threshold)
    round: int = attrs.field(validator=_count)
    seen_round: int = attrs.field(validator=_count)
    nonce: int = attrs.field(validator=_count)
    expiry: int = attrs.field(validator=_count)
    step: StepCommitment = attrs.field(validator=attrs.validators.instance_of(StepCommitment))

    @property
    def probability(self) -> Fraction:
        """The exact win probability."""
        return threshold_probability(self.threshold)

    @property
    def expected_value(self) -> Fraction:
        """``face_value × probability``: what the ticket is worth before the draw."""
        return self.face_value * self.probability

    def draw(self, randomness: Digest) -> Digest:
        """``tagged_hash("oddsproof/ticket-draw/v1", ticket id ‖ randomness)``."""
        if not isinstance(randomness, Digest):
            raise InvalidArgument("the draw takes the round's randomness as a Digest")
        return tagged_hash(TICKET_DRAW_TAG, self.id.raw, randomness.raw)

    def wins(self, randomness: Digest) -> bool:
        """Whether the draw with this round randomness is below the threshold."""
        # Both are 32 big-endian bytes, so byte order is numeric order.
        return self.draw(randomness).raw < self.threshold


@canonical("ticket-batch")
@attrs.frozen
class TicketBatch(Canonical):
    """``size`` tickets of one account to one recipient, committed by their Merkle ``root``
    (RFC 6962; leaf ``i`` is ticket ``i``'s id). Signed by the sender when issued and co-signed
    by the recipient when accepted."""

    account: Digest = attrs.field(validator=_digest)
    recipient: Party = attrs.field(validator=_party)
    root: Digest = attrs.field(validator=_digest)
    size: int = attrs.field(validator=_int_range(1, MAX_BATCH + 1))


def _signed_batch(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Signed) or not isinstance(value.body, TicketBatch):
        raise InvalidArgument("expected a signed TicketBatch")


@canonical("winning-ticket")
@attrs.frozen
class WinningTicket(Canonical):
    """A ticket redeemable alone: the ticket, its doubly signed batch and its audit path."""

    ticket: Ticket = attrs.field(validator=attrs.validators.instance_of(Ticket))
    batch: Signed[TicketBatch] = attrs.field(validator=_signed_batch)
    proof: InclusionProof = attrs.field(validator=attrs.validators.instance_of(InclusionProof))

    def check(self, account: LotteryAccount, domain: Domain) -> None:
        """Check the batch's two signatures, that the ticket is in it, and that ticket, batch
        and account agree. Raises :class:`Refused`."""
        ticket, batch = self.ticket, self.batch.body
        check_parties(ticket, account)
        if batch.account != account.id:
            raise _reject(TicketReason.WRONG_ACCOUNT, "the batch is another account's")
        if batch.recipient.key != ticket.recipient:
            raise _reject(TicketReason.WRONG_RECIPIENT, "the batch is for another recipient")
        try:
            self.batch.verify(domain, signers=(account.sender.key, ticket.recipient))
        except SignatureError as exc:
            raise _reject(TicketReason.BAD_SIGNATURE, str(exc)) from exc
        try:
            verify_inclusion(batch.root, batch.size, merkle_leaf_hash(ticket.id.raw), self.proof)
        except InvalidArgument as exc:
            raise _reject(TicketReason.BAD_PROOF, str(exc)) from exc


@attrs.frozen
class TicketBundle:
    """What the sender hands the recipient: the signed batch and its tickets, in leaf order."""

    batch: Signed[TicketBatch] = attrs.field(validator=_signed_batch)
    tickets: tuple[Ticket, ...] = attrs.field(
        validator=attrs.validators.deep_iterable(
            attrs.validators.instance_of(Ticket), attrs.validators.instance_of(tuple)
        )
    )


# ---------------------------------------------------------------------------------------------
# Validation


def check_parties(ticket: Ticket, account: LotteryAccount) -> None:
    """The ticket names ``account`` and its sender."""
    if ticket.account != account.id:
        raise _reject(TicketReason.WRONG_ACCOUNT, "the ticket names another account")
    if ticket.sender != account.sender.key:
        raise _reject(TicketReason.WRONG_SENDER, "the ticket's sender is not the account's")


def check_rounds(ticket: Ticket, account: LotteryAccount) -> None:
    """The target round is at least the account's margin after the round the sender had seen."""
    if ticket.round < ticket.seen_round + account.margin:
        raise _reject(
            TicketReason.ROUND_TOO_CLOSE,
            f"round {ticket.round} is less than {account.margin} rounds after the sender's"
            f" last seen round {ticket.seen_round}",
        )


def check_ticket(
    ticket: Ticket,
    account: LotteryAccount,
    *,
    recipient: PublicKey,
    now: int,
    deposit: int,
    unlocking: bool,
    lead: int = 0,
    window: int = 0,
) -> None:
    """The recipient's checks of one ticket on receipt (not its signature: see the batch).

    At time ``now`` (the recipient's clock) the target round must not be published before
    ``now + lead`` (``lead`` covers clock skew and transit); the ticket must stay redeemable for
    ``window`` seconds after its round; its face value must not exceed ``deposit`` (what the
    sender's deposit holds now); and the sender must not be ``unlocking``. Raises
    :class:`Refused` with the first rule broken.
    """
    if not isinstance(ticket, Ticket) or not isinstance(account, LotteryAccount):
        raise InvalidArgument("check_ticket takes a Ticket and its LotteryAccount")
    for name, value in (("now", now), ("deposit", deposit), ("lead", lead), ("window", window)):
        if type(value) is not int or value < 0:
            raise InvalidArgument(f"{name} must be a non-negative integer, got {value!r}")
    if ticket.recipient != recipient:
        raise _reject(TicketReason.WRONG_RECIPIENT, "the ticket is made out to someone else")
    check_parties(ticket, account)
    if unlocking:
        raise _reject(TicketReason.SENDER_UNLOCKING, "the sender is withdrawing its deposit")
    check_rounds(ticket, account)
    published = account.beacon.time_of(ticket.round)
    if published <= now + lead:
        raise _reject(
            TicketReason.ROUND_PUBLISHED,
            f"round {ticket.round} is public at {published}, not after {now} + {lead}",
        )
    if ticket.expiry <= now or ticket.expiry < published + window:
        raise _reject(
            TicketReason.EXPIRED,
            f"the ticket expires at {ticket.expiry}; its round is public at {published} and"
            f" must stay redeemable {window} s after",
        )
    if ticket.face_value > deposit:
        raise _reject(
            TicketReason.FACE_VALUE_UNCOVERED,
            f"face value {ticket.face_value} is above the deposit of {deposit}",
        )


def _fresh_id(ticket: Ticket) -> Digest:
    """The ticket's id recomputed from its fields (never a cached value someone else made)."""
    return tagged_hash(Ticket.TAG, encode(ticket))


def batch_tree(tickets: Sequence[Ticket], *, fresh: bool = False) -> MerkleTree:
    """The RFC 6962 tree over the ids of ``tickets`` (leaf ``i`` = ticket ``i``'s id)."""
    ids = (_fresh_id(t) if fresh else t.id for t in tickets)
    return MerkleTree(leaf_hashes(i.raw for i in ids))


# ---------------------------------------------------------------------------------------------
# The two parties


class TicketIssuer:
    """The sender's side: turns the worker's step commitments into a signed batch of tickets.

    Checks each commitment before paying for it: the job, the index following the last one paid
    (no gaps, no repeats), the input equal to the previous output (chaining) and, when the
    schedule is given, the seed. Target rounds are ``rounds_ahead`` (at least the account's
    margin) after the last round published at issue time; tickets expire ``window`` seconds
    after their round.
    """

    def __init__(
        self,
        identity: Identity,
        account: LotteryAccount,
        domain: Domain,
        *,
        face_value: int,
        probability: Fraction,
        window: int,
        rounds_ahead: int | None = None,
        job: Digest | None = None,
        seeds: SeedSchedule | None = None,
        initial: Digest | None = None,
    ) -> None:
        if not isinstance(identity, Identity) or not isinstance(account, LotteryAccount):
            raise InvalidArgument("an issuer needs the sender's Identity and its LotteryAccount")
        if identity.key != account.sender.key:
            raise InvalidArgument("the identity is not the account's sender")
        if not isinstance(domain, Domain):
            raise InvalidArgument("an issuer signs in a Domain")
        _check_int("face_value", face_value, 1)
        _check_int("window", window, 0)
        ahead = account.margin if rounds_ahead is None else rounds_ahead
        if type(ahead) is not int or ahead < account.margin:
            raise InvalidArgument(f"rounds_ahead must be at least the margin {account.margin}")
        if job is not None and not isinstance(job, Digest):
            raise InvalidArgument("job is a computation id (Digest)")
        if seeds is not None and not isinstance(seeds, SeedSchedule):
            raise InvalidArgument("seeds is a SeedSchedule")
        if initial is not None and not isinstance(initial, Digest):
            raise InvalidArgument("initial is a state hash (Digest)")
        self.identity = identity
        self.account = account
        self.domain = domain
        self.face_value = face_value
        self.threshold = win_threshold(probability)
        self.window = window
        self.rounds_ahead = ahead
        self.job = job
        self.seeds = seeds
        self._next: dict[PublicKey, tuple[int, Digest | None]] = {}
        self._initial = initial
        self._nonces: dict[PublicKey, int] = {}

    @property
    def probability(self) -> Fraction:
        """The exact win probability of the tickets issued."""
        return threshold_probability(self.threshold)

    def _check_steps(self, recipient: PublicKey, steps: Sequence[StepCommitment]) -> None:
        index, previous = self._next.get(recipient, (0, self._initial))
        expected_first = recipient not in self._next and self._initial is None
        for step in steps:
            if not isinstance(step, StepCommitment):
                raise InvalidArgument("steps are StepCommitment values")
            if self.job is not None and step.job != self.job:
                raise _reject(TicketReason.UNKNOWN_STEP, "a step of another job")
            if not expected_first and step.index != index:
                raise _reject(
                    TicketReason.BROKEN_CHAIN, f"step {step.index} does not follow {index}"
                )
            if previous is not None and step.input != previous:
                raise _reject(
                    TicketReason.BROKEN_CHAIN,
                    f"step {step.index}'s input is not step {step.index - 1}'s output",
                )
            if self.seeds is not None and step.seed != self.seeds.seed(step.index):
                raise _reject(TicketReason.WRONG_SEED, f"step {step.index} has another seed")
            expected_first = False
            index, previous = step.stop, step.output

    def issue(self, recipient: Party, steps: Sequence[StepCommitment], *, now: int) -> TicketBundle:
        """One ticket per step commitment, in one batch signed by the sender at ``now``.

        Raises :class:`Refused` (``UNKNOWN_STEP``, ``BROKEN_CHAIN``, ``WRONG_SEED``) if
        a commitment cannot be paid for; nothing is issued then.
        """
        if not isinstance(recipient, Party):
            raise InvalidArgument("the recipient is a Party")
        steps = tuple(steps)
        if not 1 <= len(steps) <= MAX_BATCH:
            raise InvalidArgument(f"a batch holds 1 to {MAX_BATCH} tickets")
        self._check_steps(recipient.key, steps)
        seen = self.account.beacon.latest(now=now)
        seen_round = 0 if seen is None else seen
        target = seen_round + self.rounds_ahead
        expiry = self.account.beacon.time_of(target) + self.window
        nonce = self._nonces.get(recipient.key, 0)
        account_id, sender, key = self.account.id, self.identity.key, recipient.key
        tickets = tuple(
            Ticket(
                account_id,
                sender,
                key,
                self.face_value,
                self.threshold,
                target,
                seen_round,
                nonce + 1 + i,
                expiry,
                step,
            )
            for i, step in enumerate(steps)
        )
        tree = batch_tree(tickets)
        batch = TicketBatch(account_id, recipient, tree.root, len(tickets))
        signed = Signed.create(batch, self.domain, self.identity)
        self._nonces[key] = nonce + len(tickets)
        self._next[key] = (steps[-1].stop, steps[-1].output)
        return TicketBundle(signed, tickets)


@attrs.frozen
class _Accepted:
    batch: Signed[TicketBatch]
    tickets: tuple[Ticket, ...]
    tree: MerkleTree


class TicketReceiver:
    """The recipient's side: validates batches, co-signs them, and finds the winners.

    ``face_value`` and ``probability`` are the terms the recipient asked for (a ticket with
    other terms is ``BAD_TERMS``); ``lead`` and ``window`` are passed to :func:`check_ticket`.
    Nonces must increase strictly per account, across batches.
    """

    def __init__(
        self,
        identity: Identity,
        account: LotteryAccount,
        domain: Domain,
        *,
        face_value: int,
        probability: Fraction,
        lead: int = 0,
        window: int = 0,
    ) -> None:
        if not isinstance(identity, Identity) or not isinstance(account, LotteryAccount):
            raise InvalidArgument("a receiver needs the recipient's Identity and the account")
        if not isinstance(domain, Domain):
            raise InvalidArgument("a receiver checks signatures in a Domain")
        _check_int("face_value", face_value, 1)
        _check_int("lead", lead, 0)
        _check_int("window", window, 0)
        self.identity = identity
        self.account = account
        self.domain = domain
        self.face_value = face_value
        self.threshold = win_threshold(probability)
        self.lead = lead
        self.window = window
        self.highest_nonce = 0
        self._pending: dict[int, list[_Accepted]] = {}

    @property
    def pending_rounds(self) -> tuple[int, ...]:
        """Target rounds of accepted tickets not yet drawn."""
        return tuple(sorted(self._pending))

    def accept(
        self,
        bundle: TicketBundle,
        *,
        now: int,
        deposit: int,
        unlocking: bool,
        steps: Sequence[StepCommitment] | None = None,
    ) -> Signed[TicketBatch]:
        """Check a bundle whole and return the batch co-signed by the recipient.

        Checks the sender's signature, that the batch is this account's and the recipient's,
        every ticket (:func:`check_ticket`, the terms, increasing nonces, and, if ``steps`` is
        given, that ticket ``i`` commits to ``steps[i]``), and that the root and size are the
        tickets'. Nothing is kept unless everything holds.
        """
        if not isinstance(bundle, TicketBundle):
            raise InvalidArgument("accept takes a TicketBundle")
        account, me = self.account, self.identity.key
        batch = bundle.batch.body
        if batch.account != account.id:
            raise _reject(TicketReason.WRONG_ACCOUNT, "the batch is another account's")
        if batch.recipient.key != me:
            raise _reject(TicketReason.WRONG_RECIPIENT, "the batch is for someone else")
        try:
            bundle.batch.verify(self.domain, signers=(account.sender.key,))
        except SignatureError as exc:
            raise _reject(TicketReason.BAD_SIGNATURE, str(exc)) from exc
        tickets = bundle.tickets
        if batch.size != len(tickets):
            raise _reject(TicketReason.BAD_PROOF, "the batch size is not the number of tickets")
        if steps is not None and len(steps) != len(tickets):
            raise InvalidArgument("steps must list one commitment per ticket")
        nonce = self.highest_nonce
        for i, ticket in enumerate(tickets):
            check_ticket(
                ticket,
                account,
                recipient=me,
                now=now,
                deposit=deposit,
                unlocking=unlocking,
                lead=self.lead,
                window=self.window,
            )
            if ticket.face_value != self.face_value or ticket.threshold != self.threshold:
                raise _reject(TicketReason.BAD_TERMS, "face value or probability not as asked")
            if ticket.nonce <= nonce:
                raise _reject(
                    TicketReason.NONCE_REUSED,
                    f"nonce {ticket.nonce} is not above {nonce}, the highest accepted",
                )
            nonce = ticket.nonce
            if steps is not None and ticket.step != steps[i]:
                raise _reject(TicketReason.UNKNOWN_STEP, f"ticket {i} commits another step")
        tree = batch_tree(tickets, fresh=True)
        if tree.root != batch.root:
            raise _reject(TicketReason.BAD_PROOF, "the root is not the tickets' root")
        cosigned = bundle.batch.cosign(self.identity)
        self.highest_nonce = nonce
        rounds = {t.round for t in tickets}
        record = _Accepted(cosigned, tickets, tree)
        for r in rounds:
            self._pending.setdefault(r, []).append(record)
        return cosigned

    def winners(self, beacon: Beacon, *, now: int) -> tuple[WinningTicket, ...]:
        """Draw every accepted ticket whose round is published at ``now``; return the winners
        (with their audit paths) and forget the rest."""
        if not isinstance(beacon, Beacon):
            raise InvalidArgument("winners needs the account's Beacon")
        if beacon.id != self.account.beacon.id:
            raise _reject(TicketReason.WRONG_BEACON, "not the account's beacon")
        out: list[WinningTicket] = []
        for round_number in self.pending_rounds:
            if not beacon.published(round_number, now=now):
                continue
            try:
                randomness = beacon.randomness(beacon.value(round_number, now=now))
            except InvalidArgument as exc:
                raise _reject(TicketReason.WRONG_BEACON, str(exc)) from exc
            for record in self._pending.pop(round_number):
                for i, ticket in enumerate(record.tickets):
                    if ticket.round == round_number and ticket.wins(randomness):
                        out.append(WinningTicket(ticket, record.batch, record.tree.prove(i)))
        return tuple(out)


def round_randomness(
    beacon: Beacon, account: LotteryAccount, ticket: Ticket, *, now: int
) -> Digest:
    """The checked randomness of the ticket's round from the account's beacon, at ``now``."""
    if not isinstance(beacon, Beacon) or beacon.id != account.beacon.id:
        raise _reject(TicketReason.WRONG_BEACON, "not the account's beacon")
    try:
        value: RoundValue = beacon.value(ticket.round, now=now)
        return beacon.randomness(value)
    except Refused as exc:
        if exc.reason is not BeaconReason.NOT_PUBLISHED:
            raise
        raise _reject(TicketReason.NOT_A_WINNER, f"not drawn yet: {exc}") from exc
    except InvalidArgument as exc:
        raise _reject(TicketReason.WRONG_BEACON, str(exc)) from exc
