"""Ladder mechanics: one dispute climbing the arbitration ladder its contract names.

A :class:`Dispute` (the claim, the challenger, the ladder, the opening time) moves through
phases recorded in a :class:`DisputeState`. The functions here are pure: each takes a state and
an action and returns a :class:`Transition`, the next state plus the ledger entries (bond posts,
releases, forfeits, fee payments) that carry it out; :class:`Appeals` applies them to a ledger,
one transaction per action, and stores every state, ruling and piece of evidence by id.

The rules (``docs/arbitration.md`` has the full table):

* **Opening** (level 0): the challenger stakes the level's bond and locks its fee; the claimant
  has until ``start + Δ`` to stake the same bond in defence, or loses by default.
* **Ruling**: the level's arbiter signs a ruling before ``rule_by``. At the last level it is
  final. Below, it leads, and the **loser** may appeal before ``appeal_by`` by staking
  ``premium ×`` the next level's base (the base grows by ``growth`` per level) and locking that
  level's fee; the **winner** then has until ``match_by`` to stake the base. An appeal not made
  in time leaves the ruling standing; an appeal not matched in time is won by the appellant.
* **Finality**: only the last level signs final rulings by itself. Otherwise the dispute is
  *decided* (a lapsed appeal window, a default) and the arbiter named for it certifies the
  decision by signing the final form (``final=True``, evidence = what the decision rests on)
  within Δ: the arbiter that ruled, for an unappealed ruling; the arbiter of the level being
  funded, for a default. Only final rulings meet a contract's ``Verdict``, and only ladder
  arbiters sign them.
* **Silence**: an arbiter that neither rules nor certifies in time is skipped: the dispute
  climbs to the next level on the bonds already posted, and its fee is refunded. Silence at the
  last level ends the dispute *lapsed*: every bond is released.
* **Money**: fees are locked when a level is asked for and paid to its arbiter when it rules.
  Stakes are settled once, on the final outcome, never on a lower ruling: the final winner's are
  released, the loser's forfeited, ``⌈amount · burn⌉`` (at least 1) burned and the rest paid to
  the winner for its costs. So an honest party that funds its side whenever it is its turn never
  loses a bond, whatever lower arbiters and the other side do, once the last level is honest.
* A mutual settlement ends a dispute in any phase before its final ruling and releases every
  bond (``_settle``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Final

import attrs

from oddsproof.contracts import Claim, Contract, Ladder, Ruling
from oddsproof.errors import InvalidArgument, NotFound, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.ledger import BondForfeit, BondPost, BondRelease, Entry, Ledger, Move
from oddsproof.wire import (
    Canonical,
    Digest,
    Domain,
    Party,
    PublicKey,
    Signed,
    canonical,
    tagged_hash,
)

from ._reasons import LadderReason

REF_TAG: Final = "oddsproof/dispute-ref/v1"
HEAD_PREFIX: Final = "dispute/"

_digest = attrs.validators.instance_of(Digest)
_optional_digest = attrs.validators.optional(_digest)
_optional_bool = attrs.validators.optional(attrs.validators.instance_of(bool))


class Side(enum.Enum):
    """The two sides of a dispute."""

    CLAIMANT = "claimant"
    CHALLENGER = "challenger"

    @property
    def other(self) -> Side:
        """The opposing side."""
        return Side.CHALLENGER if self is Side.CLAIMANT else Side.CLAIMANT

    @staticmethod
    def winning(upheld: bool) -> Side:
        """The side an outcome favours: the claimant when the claim is upheld."""
        return Side.CLAIMANT if upheld else Side.CHALLENGER


class Phase(enum.Enum):
    """What a dispute waits for."""

    DEFENCE = "defence"
    """Level 0: the claimant's defence stake, until ``start + Δ``."""
    RULING = "ruling"
    """The current level's arbiter's ruling, until ``rule_by``."""
    APPEAL = "appeal"
    """The loser of a non-final ruling's appeal stake and fee, until ``appeal_by``."""
    MATCH = "match"
    """The winner's matching stake, until ``match_by``."""
    DECIDED = "decided"
    """The certifying arbiter's signature on the final form of a decided outcome, within Δ."""
    FINAL = "final"
    """Over: a final ruling, stakes settled."""
    SETTLED = "settled"
    """Over: ended by a settlement every party signed; every bond released."""
    LAPSED = "lapsed"
    """Over: the last level stayed silent; every bond released, nothing decided."""

    @property
    def over(self) -> bool:
        """Whether nothing can happen to the dispute any more."""
        return self in (Phase.FINAL, Phase.SETTLED, Phase.LAPSED)


class BondKind(enum.Enum):
    """A stake (settled on the final outcome) or a locked fee (paid when its level rules)."""

    STAKE = "stake"
    FEE = "fee"


@canonical("posted-bond")
@attrs.frozen
class PostedBond(Canonical):
    """A bond a side posted in a dispute: its ledger id, side, level, purpose, amount, and whether
    it has been closed (released, forfeited, or paid out as a fee)."""

    bond: Digest = attrs.field(validator=_digest)
    side: Side = attrs.field(validator=v.instance(Side))
    level: int = attrs.field(validator=v.amount)
    purpose: BondKind = attrs.field(validator=v.instance(BondKind))
    amount: int = attrs.field(validator=v.positive)
    closed: bool = attrs.field(default=False, validator=v.instance(bool))


def _signed_claim(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Signed) or not isinstance(value.body, Claim):
        raise InvalidArgument("a dispute is about a signed Claim")


@canonical("dispute")
@attrs.frozen
class Dispute(Canonical):
    """The fixed terms of one dispute; its id names the dispute everywhere.

    ``claim`` is the disputed claim as signed; ``challenger`` disputes it; ``ladder`` is the
    contract's; ``opened`` the time the challenge was filed; ``deadline``, if given, the parent
    deadline the whole dispute must end Δ before (a contract's wait for the verdict).
    """

    claim: Signed[Claim] = attrs.field(validator=_signed_claim)
    challenger: Party = attrs.field(validator=v.instance(Party))
    ladder: Ladder = attrs.field(validator=v.instance(Ladder))
    opened: int = attrs.field(validator=v.amount)
    deadline: int | None = attrs.field(default=None, validator=attrs.validators.optional(v.amount))

    @challenger.validator
    def _two_sides(self, _attr: object, value: Party) -> None:
        if isinstance(self.claim, Signed) and value.key == self.claim.body.claimant.key:
            raise InvalidArgument("a claimant cannot dispute its own claim")

    @deadline.validator
    def _nested(self, _attr: object, value: int | None) -> None:
        if value is None or not isinstance(self.ladder, Ladder) or type(self.opened) is not int:
            return
        if self.opened + self.ladder.span + self.ladder.delta > value:
            raise InvalidArgument(
                f"the ladder may run until {self.opened + self.ladder.span}, which must be at"
                f" least Δ = {self.ladder.delta} before the parent deadline {value}"
            )

    @property
    def claimant(self) -> Party:
        """Who made the claim."""
        return self.claim.body.claimant

    @property
    def claim_id(self) -> Digest:
        """The disputed claim's id."""
        return self.claim.body.id

    @property
    def statement(self) -> Digest:
        """The id of the statement the claim asserts (what every ruling rules on)."""
        return self.claim.body.statement.id

    @property
    def contract(self) -> Digest:
        """The contract the claim answered."""
        return self.claim.body.offer

    @property
    def ends(self) -> int:
        """The time by which every phase of the dispute has ended, whatever anyone does."""
        return self.opened + self.ladder.span

    def party(self, side: Side) -> Party:
        """The party on ``side``."""
        return self.claimant if side is Side.CLAIMANT else self.challenger

    def side_of(self, who: Party | PublicKey) -> Side | None:
        """The side ``who`` is on, if any."""
        key = who.key if isinstance(who, Party) else who
        if key == self.claimant.key:
            return Side.CLAIMANT
        if key == self.challenger.key:
            return Side.CHALLENGER
        return None


def _bonds(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(b, PostedBond) for b in value):
        raise InvalidArgument("bonds is a tuple of PostedBond")


def _digests(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(d, Digest) for d in value):
        raise InvalidArgument("rulings is a tuple of ruling ids")


@canonical("dispute-state")
@attrs.frozen
class DisputeState(Canonical):
    """Where a dispute stands; canonical, so every state is stored and named by its id.

    ``level`` is the current level, ``since`` when the current phase began, ``base`` the stake
    base of the level being funded or ruled, ``leading`` the outcome of the latest non-final
    ruling (``True``: claim upheld), ``rulings`` every ruling's id in order, ``evidence`` what
    the level-0 game produced, ``bonds`` everything posted. When decided: ``outcome``, the
    ``certifier`` level and the ``basis`` the final form must name as evidence; when final,
    ``final`` is the final ruling's id. ``settled`` is the settlement version that ended it.
    """

    dispute: Digest = attrs.field(validator=_digest)
    phase: Phase = attrs.field(validator=v.instance(Phase))
    level: int = attrs.field(validator=v.amount)
    since: int = attrs.field(validator=v.amount)
    base: int = attrs.field(validator=v.positive)
    leading: bool | None = attrs.field(default=None, validator=_optional_bool)
    rulings: tuple[Digest, ...] = attrs.field(default=(), validator=_digests)
    evidence: Digest | None = attrs.field(default=None, validator=_optional_digest)
    bonds: tuple[PostedBond, ...] = attrs.field(default=(), validator=_bonds)
    outcome: bool | None = attrs.field(default=None, validator=_optional_bool)
    certifier: int | None = attrs.field(default=None, validator=attrs.validators.optional(v.amount))
    basis: Digest | None = attrs.field(default=None, validator=_optional_digest)
    final: Digest | None = attrs.field(default=None, validator=_optional_digest)
    settled: int = attrs.field(default=0, validator=v.amount)
    time: int = attrs.field(default=0, validator=v.amount)

    @property
    def over(self) -> bool:
        """Whether the dispute has ended (final, settled or lapsed)."""
        return self.phase.over

    def open_bonds(self, side: Side | None = None) -> tuple[PostedBond, ...]:
        """Bonds not yet closed, of ``side`` if given."""
        return tuple(b for b in self.bonds if not b.closed and (side is None or b.side is side))

    def staked(self, side: Side) -> int:
        """Everything ``side`` has staked in this dispute (open or not), fees excluded."""
        return sum(b.amount for b in self.bonds if b.side is side and b.purpose is BondKind.STAKE)


@attrs.frozen
class LadderEvent:
    """One thing that happened, for logs and the CLI: at time ``at``, on ``level``, to a
    ``side`` (or to ``who``), for ``amount``."""

    at: int = attrs.field(validator=v.amount)
    level: int = attrs.field(validator=v.amount)
    what: str = attrs.field(validator=v.instance(str))
    side: Side | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(Side))
    )
    amount: int = attrs.field(default=0, validator=v.amount)
    who: PublicKey | None = attrs.field(
        default=None, validator=attrs.validators.optional(v.instance(PublicKey))
    )
    """A party the event is about that is on neither side (a victim of a failed claim)."""

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "at": self.at,
            "level": self.level,
            "what": self.what,
            "side": None if self.side is None else self.side.value,
            "amount": self.amount,
            "who": None if self.who is None else self.who.hex(),
        }


@attrs.frozen
class Transition:
    """The next state, the ledger entries that carry the step out (in order), and what
    happened."""

    state: DisputeState = attrs.field(validator=v.instance(DisputeState))
    entries: tuple[Entry, ...] = attrs.field(default=(), validator=v.instance(tuple))
    events: tuple[LadderEvent, ...] = attrs.field(default=(), validator=v.instance(tuple))
    ruling: Signed[Ruling] | None = attrs.field(default=None)
    """The ruling this step accepted, if any (to be stored with the state)."""

    def then(self, other: Transition) -> Transition:
        """This step followed by ``other`` (which must start from this one's state)."""
        return Transition(
            other.state,
            self.entries + other.entries,
            self.events + other.events,
            other.ruling if other.ruling is not None else self.ruling,
        )


# ---------------------------------------------------------------------------------------------
# Helpers


def _ref(dispute: Dispute, *parts: bytes) -> bytes:
    return tagged_hash(REF_TAG, dispute.id.raw, *parts).raw


def _post(
    dispute: Dispute, side: Side, level: int, kind: BondKind, amount: int
) -> tuple[BondPost, PostedBond]:
    owner = dispute.party(side).key
    ref = _ref(dispute, kind.value.encode(), side.value.encode(), level.to_bytes(4, "big"))
    entry = BondPost(owner, amount, dispute.id, ref)
    return entry, PostedBond(entry.id, side, level, kind, amount)


def _close(bonds: Iterable[PostedBond], closing: set[Digest]) -> tuple[PostedBond, ...]:
    return tuple(attrs.evolve(b, closed=True) if b.bond in closing else b for b in bonds)


def _release_fee(
    dispute: Dispute, state: DisputeState, level: int, at: int, *, pay: bool
) -> tuple[tuple[PostedBond, ...], tuple[Entry, ...], tuple[LadderEvent, ...]]:
    """Close the open fee bond of ``level``: pay it to the arbiter, or refund it."""
    fees = [b for b in state.open_bonds() if b.purpose is BondKind.FEE and b.level == level]
    entries: list[Entry] = []
    events: list[LadderEvent] = []
    for fee in fees:
        entries.append(BondRelease(fee.bond, _ref(dispute, b"release", fee.bond.raw)))
        if pay:
            payer = dispute.party(fee.side).key
            arbiter = dispute.ladder.levels[level].arbiter.key
            entries.append(Move(payer, arbiter, fee.amount, _ref(dispute, b"fee", fee.bond.raw)))
            events.append(LadderEvent(at, level, "fee paid to the arbiter", fee.side, fee.amount))
        else:
            events.append(LadderEvent(at, level, "fee refunded", fee.side, fee.amount))
    return _close(state.bonds, {f.bond for f in fees}), tuple(entries), tuple(events)


def _settle_bonds(
    dispute: Dispute, state: DisputeState, winner: Side | None, at: int
) -> tuple[tuple[PostedBond, ...], tuple[Entry, ...], tuple[LadderEvent, ...]]:
    """Close every open bond: the winner's (and, without a winner, everyone's) released, the
    loser's stakes forfeited, partly burned and partly paid to the winner."""
    entries: list[Entry] = []
    events: list[LadderEvent] = []
    ladder = dispute.ladder
    for b in state.open_bonds():
        if winner is None or b.side is winner or b.purpose is BondKind.FEE:
            entries.append(BondRelease(b.bond, _ref(dispute, b"release", b.bond.raw)))
            events.append(LadderEvent(at, b.level, f"{b.purpose.value} released", b.side, b.amount))
            continue
        burn = ladder.burned(b.amount)
        reimburse = b.amount - burn
        to = dispute.party(winner).key if reimburse else None
        entries.append(
            BondForfeit(b.bond, burn, reimburse, to, _ref(dispute, b"forfeit", b.bond.raw))
        )
        events.append(LadderEvent(at, b.level, "stake forfeited", b.side, b.amount))
        events.append(LadderEvent(at, b.level, "burned", b.side, burn))
        if reimburse:
            events.append(LadderEvent(at, b.level, "reimbursed to the winner", winner, reimburse))
    return _close(state.bonds, {b.bond for b in state.open_bonds()}), tuple(entries), tuple(events)


def dispute_deadline(dispute: Dispute, state: DisputeState) -> int | None:
    """The (exclusive) deadline of the phase ``state`` is in, or ``None`` once it is over."""
    delta = dispute.ladder.delta
    times = dispute.ladder.times(dispute.opened, state.level)
    if state.phase is Phase.DEFENCE:
        return times.start + delta
    if state.phase is Phase.RULING:
        return times.rule_by
    if state.phase is Phase.APPEAL:
        return times.appeal_by
    if state.phase is Phase.MATCH:
        return times.match_by
    if state.phase is Phase.DECIDED:
        return state.since + delta
    return None


def on_turn(dispute: Dispute, state: DisputeState) -> Side | None:
    """The side whose bond the dispute waits for, if it waits for one."""
    if state.phase is Phase.DEFENCE:
        return Side.CLAIMANT
    if state.phase is Phase.APPEAL and state.leading is not None:
        return Side.winning(state.leading).other
    if state.phase is Phase.MATCH and state.leading is not None:
        return Side.winning(state.leading)
    return None


def due_amount(dispute: Dispute, state: DisputeState) -> int:
    """What the side on turn must lock now (stake plus fee); 0 if no side is on turn."""
    ladder = dispute.ladder
    if state.phase is Phase.DEFENCE:
        return state.base
    if state.phase is Phase.APPEAL:
        nxt = state.level + 1
        base = ladder.next_base(nxt, state.base)
        return ladder.appeal_stake(base) + ladder.levels[nxt].fee
    if state.phase is Phase.MATCH:
        return state.base
    return 0


# ---------------------------------------------------------------------------------------------
# Transitions


def open_dispute(dispute: Dispute) -> Transition:
    """Open ``dispute``: the challenger stakes level 0's bond and locks its fee; the claimant
    is then on turn to defend."""
    if not isinstance(dispute, Dispute):
        raise InvalidArgument("open_dispute takes a Dispute")
    level0 = dispute.ladder.levels[0]
    state = DisputeState(dispute.id, Phase.DEFENCE, 0, dispute.opened, level0.bond)
    entries: list[Entry] = []
    bonds: list[PostedBond] = []
    at = dispute.opened
    events = [LadderEvent(at, 0, "dispute opened", Side.CHALLENGER)]
    for kind, amount in ((BondKind.STAKE, level0.bond), (BondKind.FEE, level0.fee)):
        if amount:
            entry, bond = _post(dispute, Side.CHALLENGER, 0, kind, amount)
            entries.append(entry)
            bonds.append(bond)
            events.append(LadderEvent(at, 0, f"{kind.value} posted", Side.CHALLENGER, amount))
    state = attrs.evolve(state, bonds=tuple(bonds), time=at)
    return Transition(state, tuple(entries), tuple(events))


def _check_time(state: DisputeState, now: object) -> int:
    if type(now) is not int or now < 0:
        raise InvalidArgument(f"now is a time in seconds, got {now!r}")
    if now < state.time:
        raise Refused(
            LadderReason.BEFORE_CLOCK, f"time {now} is before the dispute's clock ({state.time})"
        )
    return now


def _escalate(dispute: Dispute, state: DisputeState, above: int, at: int) -> Transition:
    """The arbiter of level ``above - 1`` (or a certifier) stayed silent: climb to ``above`` on
    the bonds already posted, or lapse if there is no level above."""
    ladder = dispute.ladder
    if above > ladder.final_level:
        bonds, entries, events = _settle_bonds(dispute, state, None, at)
        nxt = attrs.evolve(state, phase=Phase.LAPSED, since=at, bonds=bonds)
        lapsed = LadderEvent(at, state.level, "the last level stayed silent: dispute lapsed")
        return Transition(nxt, entries, (lapsed, *events))
    base = max(ladder.levels[above].bond, state.base)
    nxt = attrs.evolve(
        state,
        phase=Phase.RULING,
        level=above,
        since=at,
        base=base,
        outcome=None,
        certifier=None,
        basis=None,
    )
    event = LadderEvent(at, above, "the level below stayed silent: dispute climbs")
    return Transition(nxt, (), (event,))


def _decide(
    state: DisputeState, outcome: bool, certifier: int, basis: Digest, *, at: int, why: str
) -> Transition:
    nxt = attrs.evolve(
        state, phase=Phase.DECIDED, since=at, outcome=outcome, certifier=certifier, basis=basis
    )
    side = Side.winning(outcome)
    return Transition(nxt, (), (LadderEvent(at, state.level, why, side),))


def _lapse_once(dispute: Dispute, state: DisputeState, at: int) -> Transition:
    """What the phase's deadline ``at`` passing does."""
    phase = state.phase
    if phase is Phase.DEFENCE:
        bonds, entries, events = _release_fee(dispute, state, 0, at, pay=False)
        step = _decide(
            attrs.evolve(state, bonds=bonds),
            False,
            0,
            state.id,
            at=at,
            why="no defence in time: the challenger wins by default",
        )
        return Transition(step.state, entries, events + step.events)
    if phase is Phase.RULING:
        bonds, entries, events = _release_fee(dispute, state, state.level, at, pay=False)
        climb = _escalate(dispute, attrs.evolve(state, bonds=bonds), state.level + 1, at)
        return Transition(climb.state, entries + climb.entries, events + climb.events)
    if phase is Phase.APPEAL:
        assert state.leading is not None
        assert state.rulings
        return _decide(
            state,
            state.leading,
            state.level,
            state.rulings[-1],
            at=at,
            why="no appeal: the ruling stands",
        )
    if phase is Phase.MATCH:
        assert state.leading is not None
        nxt = state.level + 1
        bonds, entries, events = _release_fee(dispute, state, nxt, at, pay=False)
        step = _decide(
            attrs.evolve(state, bonds=bonds),
            not state.leading,
            nxt,
            state.id,
            at=at,
            why="appeal not matched in time: the appellant wins by default",
        )
        return Transition(step.state, entries, events + step.events)
    assert phase is Phase.DECIDED
    assert state.certifier is not None
    return _escalate(dispute, state, state.certifier + 1, at)


def advance_dispute(dispute: Dispute, state: DisputeState, *, now: int) -> Transition:
    """Let time pass to ``now``: every deadline at or before it lapses, in order."""
    now = _check_time(state, now)
    step = Transition(state)
    while (limit := dispute_deadline(dispute, step.state)) is not None and limit <= now:
        step = step.then(_lapse_once(dispute, step.state, limit))
    return Transition(attrs.evolve(step.state, time=now), step.entries, step.events, step.ruling)


def fund_dispute(dispute: Dispute, state: DisputeState, side: Side, *, now: int) -> Transition:
    """``side`` posts the bond it is on turn for: the claimant's defence, the loser's appeal
    (premium stake plus the next level's fee), or the winner's match. Raises
    :class:`~oddsproof.errors.Refused` when ``side`` is not on turn at ``now``."""
    if not isinstance(side, Side):
        raise InvalidArgument("side is a Side")
    step = advance_dispute(dispute, state, now=now)
    state = step.state
    turn = on_turn(dispute, state)
    if turn is not side:
        waiting = "nothing" if turn is None else f"the {turn.value}"
        raise Refused(
            LadderReason.OUT_OF_TURN,
            f"the {side.value} cannot fund now: the dispute is in {state.phase.value} at level"
            f" {state.level} and waits for {waiting}",
        )
    ladder = dispute.ladder
    posts: list[tuple[BondPost, PostedBond]] = []
    if state.phase is Phase.DEFENCE:
        posts.append(_post(dispute, side, 0, BondKind.STAKE, state.base))
        nxt = attrs.evolve(state, phase=Phase.RULING, since=now)
        what = "defence staked"
    elif state.phase is Phase.APPEAL:
        level = state.level + 1
        base = ladder.next_base(level, state.base)
        posts.append(_post(dispute, side, level, BondKind.STAKE, ladder.appeal_stake(base)))
        if ladder.levels[level].fee:
            posts.append(_post(dispute, side, level, BondKind.FEE, ladder.levels[level].fee))
        nxt = attrs.evolve(state, phase=Phase.MATCH, since=now, base=base)
        what = f"appeal to level {level} staked"
    else:
        level = state.level + 1
        posts.append(_post(dispute, side, level, BondKind.STAKE, state.base))
        nxt = attrs.evolve(state, phase=Phase.RULING, level=level, since=now)
        what = "appeal matched"
    nxt = attrs.evolve(nxt, bonds=state.bonds + tuple(b for _, b in posts))
    events = tuple(
        LadderEvent(
            now, b.level, what if b.purpose is BondKind.STAKE else "fee locked", side, amount
        )
        for _, b in posts
        if (amount := b.amount)
    )
    return step.then(Transition(nxt, tuple(e for e, _ in posts), events))


def _check_ruling(
    dispute: Dispute,
    state: DisputeState,
    ruling: object,
    *,
    level: int,
    final: bool,
    domain: Domain,
    now: int,
    signer: int | None = None,
) -> Ruling:
    if not isinstance(ruling, Signed) or not isinstance(ruling.body, Ruling):
        raise Refused(LadderReason.RULING_NOT_DUE, "expected a signed Ruling")
    arbiter = dispute.ladder.levels[level if signer is None else signer].arbiter
    try:
        ruling.verify(domain, signers=[arbiter])
    except SignatureError as exc:
        raise Refused(
            LadderReason.RULING_NOT_DUE,
            f"a ruling at level {level} must be signed by {arbiter.name} alone: {exc}",
        ) from exc
    body: Ruling = ruling.body
    problems = []
    if body.statement != dispute.statement:
        problems.append("another statement")
    if body.claim != dispute.claim_id:
        problems.append("another claim")
    if body.contract != dispute.contract:
        problems.append("another contract")
    if body.level != level:
        problems.append(f"level {body.level}, not {level}")
    if body.final != final:
        problems.append("final" if body.final else "not final")
    if not state.since <= body.issued <= now:
        problems.append(f"issued at {body.issued}, outside [{state.since}, {now}]")
    if problems:
        raise Refused(
            LadderReason.RULING_NOT_DUE, "the ruling is not the one due: " + ", ".join(problems)
        )
    return body


def rule_dispute(
    dispute: Dispute, state: DisputeState, ruling: Signed[Ruling], *, now: int, domain: Domain
) -> Transition:
    """The current level's arbiter rules. At the last level the ruling is final and settles
    the stakes; below, it leads and opens the appeal window. The level's fee is paid."""
    step = advance_dispute(dispute, state, now=now)
    state = step.state
    if state.phase is not Phase.RULING:
        raise Refused(
            LadderReason.OUT_OF_TURN, f"no ruling is due: the dispute is in {state.phase.value}"
        )
    last = state.level == dispute.ladder.final_level
    body = _check_ruling(
        dispute, state, ruling, level=state.level, final=last, domain=domain, now=now
    )
    bonds, entries, events = _release_fee(dispute, state, state.level, now, pay=True)
    state = attrs.evolve(state, bonds=bonds, rulings=(*state.rulings, ruling.id))
    verdict = "upheld" if body.upheld else "failed"
    ruled = LadderEvent(now, state.level, f"ruling: claim {verdict}", Side.winning(body.upheld))
    if last:
        closing, more, settled = _settle_bonds(dispute, state, Side.winning(body.upheld), now)
        nxt = attrs.evolve(
            state,
            phase=Phase.FINAL,
            since=now,
            bonds=closing,
            outcome=body.upheld,
            final=ruling.id,
        )
        done = Transition(nxt, entries + more, (ruled, *events, *settled), ruling)
    else:
        nxt = attrs.evolve(state, phase=Phase.APPEAL, since=now, leading=body.upheld)
        done = Transition(nxt, entries, (ruled, *events), ruling)
    return step.then(done)


def certify_dispute(
    dispute: Dispute, state: DisputeState, ruling: Signed[Ruling], *, now: int, domain: Domain
) -> Transition:
    """The final arbiter signs the final form of a decided outcome; stakes are settled.

    The form names the level whose ruling stands (``state.certifier``); only the ladder's
    final arbiter signs it, so that no lower level can decide a contract by itself.
    """
    step = advance_dispute(dispute, state, now=now)
    state = step.state
    if state.phase is not Phase.DECIDED:
        raise Refused(
            LadderReason.OUT_OF_TURN, f"nothing to certify: the dispute is in {state.phase.value}"
        )
    assert state.certifier is not None
    assert state.outcome is not None
    body = _check_ruling(
        dispute,
        state,
        ruling,
        level=state.certifier,
        final=True,
        domain=domain,
        now=now,
        signer=len(dispute.ladder.levels) - 1,  # only the final arbiter signs final forms
    )
    if body.upheld != state.outcome or body.evidence != state.basis:
        raise Refused(
            LadderReason.RULING_NOT_DUE,
            "the final form must state the decided outcome and its basis",
        )
    winner = Side.winning(state.outcome)
    bonds, entries, events = _settle_bonds(dispute, state, winner, now)
    nxt = attrs.evolve(
        state,
        phase=Phase.FINAL,
        since=now,
        bonds=bonds,
        rulings=(*state.rulings, ruling.id),
        final=ruling.id,
    )
    certified = LadderEvent(now, state.certifier, "final form certified", winner)
    return step.then(Transition(nxt, entries, (certified, *events), ruling))


def file_evidence(
    dispute: Dispute, state: DisputeState, evidence: Digest, *, now: int
) -> Transition:
    """Record the id of what the level-0 game produced (a transcript, a fraud proof), once,
    while a ruling is due."""
    if not isinstance(evidence, Digest):
        raise InvalidArgument("evidence is the id of a stored object")
    step = advance_dispute(dispute, state, now=now)
    state = step.state
    if state.phase is not Phase.RULING or state.evidence is not None:
        raise Refused(LadderReason.OUT_OF_TURN, "evidence is added once, while a ruling is due")
    nxt = attrs.evolve(state, evidence=evidence)
    return step.then(Transition(nxt, (), (LadderEvent(now, state.level, "evidence filed"),)))


def settle_dispute(dispute: Dispute, state: DisputeState, version: int, *, now: int) -> Transition:
    """A settlement every party signed ends the dispute before its final ruling: every open
    bond (stakes and unspent fees) is released."""
    if type(version) is not int or version < 1:
        raise InvalidArgument("a settlement version is a positive integer")
    step = advance_dispute(dispute, state, now=now)
    state = step.state
    if state.over:
        raise Refused(LadderReason.OUT_OF_TURN, f"the dispute is already {state.phase.value}")
    bonds, entries, events = _settle_bonds(dispute, state, None, now)
    nxt = attrs.evolve(state, phase=Phase.SETTLED, since=now, bonds=bonds, settled=version)
    ended = LadderEvent(now, state.level, f"ended by settlement version {version}")
    return step.then(Transition(nxt, entries, (ended, *events)))


# ---------------------------------------------------------------------------------------------
# On a ledger


def with_ladder(contract: Contract, ladder: Ladder) -> Contract:
    """``contract`` with ``ladder`` as its arbitration ladder (and its arbiters as the
    contract's arbiters, in order): a new offer with a new id."""
    if not isinstance(contract, Contract) or not isinstance(ladder, Ladder):
        raise InvalidArgument("with_ladder takes a Contract and a Ladder")
    return attrs.evolve(contract, arbiters=ladder.arbiters, ladder=ladder)


def _head(dispute: Digest) -> str:
    return HEAD_PREFIX + dispute.hex()


class Appeals:
    """Disputes on a ledger: each call is one transaction that applies a transition's entries,
    stores the new state (and any ruling or evidence) and moves the head ``dispute/<id>``.

    A call that fails (out of turn, a refused ruling, a side without the funds:
    ``INSUFFICIENT_FUNDS``) changes nothing. Opening a dispute that is already open returns its
    current state.
    """

    def __init__(self, ledger: Ledger, domain: Domain) -> None:
        if not isinstance(ledger, Ledger) or not isinstance(domain, Domain):
            raise InvalidArgument("Appeals needs a Ledger and a Domain")
        self.ledger = ledger
        self.domain = domain

    def open(self, dispute: Dispute) -> Transition:
        """Open ``dispute`` (the challenger's bonds are posted)."""
        if not isinstance(dispute, Dispute):
            raise InvalidArgument("open takes a Dispute")
        existing = self.ledger.head(_head(dispute.id))
        if existing is not None:
            return Transition(self.state(dispute.id))
        step = open_dispute(dispute)
        with self.ledger.transaction():
            self.ledger.put(dispute)
            self._commit(step)
        return step

    def dispute(self, dispute: Digest) -> Dispute:
        """The terms of an open dispute."""
        found = self.ledger.get(dispute, Dispute)
        if found is None:
            raise NotFound(f"no dispute {dispute} on this ledger")
        return found

    def state(self, dispute: Digest) -> DisputeState:
        """The current state of a dispute."""
        state_id = self.ledger.head(_head(dispute))
        state = None if state_id is None else self.ledger.get(state_id, DisputeState)
        if state is None:
            raise NotFound(f"no dispute {dispute} on this ledger")
        return state

    def ruling(self, ruling: Digest) -> Signed[Ruling]:
        """A ruling the ladder accepted, by id."""
        found = self.ledger.get(ruling, Signed)
        if found is None or not isinstance(found.body, Ruling):
            raise NotFound(f"no ruling {ruling} on this ledger")
        return found

    def fund(self, dispute: Digest, side: Side, *, now: int) -> Transition:
        """``side`` posts the bond it is on turn for (see :func:`fund_dispute`)."""
        return self._run(dispute, lambda d, s: fund_dispute(d, s, side, now=now))

    def rule(self, dispute: Digest, ruling: Signed[Ruling], *, now: int) -> Transition:
        """The current level's arbiter rules (see :func:`rule_dispute`)."""
        return self._run(
            dispute, lambda d, s: rule_dispute(d, s, ruling, now=now, domain=self.domain)
        )

    def certify(self, dispute: Digest, ruling: Signed[Ruling], *, now: int) -> Transition:
        """The certifier signs the final form (see :func:`certify_dispute`)."""
        return self._run(
            dispute, lambda d, s: certify_dispute(d, s, ruling, now=now, domain=self.domain)
        )

    def advance(self, dispute: Digest, *, now: int) -> Transition:
        """Let time pass (see :func:`advance_dispute`)."""
        return self._run(dispute, lambda d, s: advance_dispute(d, s, now=now))

    def add_evidence(self, dispute: Digest, evidence: Canonical, *, now: int) -> Transition:
        """Store ``evidence`` and record its id (see :func:`file_evidence`)."""
        if not isinstance(evidence, Canonical):
            raise InvalidArgument("evidence is a canonical object")
        with self.ledger.transaction():
            self.ledger.put(evidence)
            return self._run(dispute, lambda d, s: file_evidence(d, s, evidence.id, now=now))

    def end(self, dispute: Digest, version: int, *, now: int) -> Transition:
        """End the dispute by settlement (see :func:`settle_dispute`)."""
        return self._run(dispute, lambda d, s: settle_dispute(d, s, version, now=now))

    def _run(self, dispute_id: Digest, action: Any) -> Transition:
        dispute = self.dispute(dispute_id)
        step: Transition = action(dispute, self.state(dispute_id))
        with self.ledger.transaction():
            self._commit(step)
        return step

    def _commit(self, step: Transition) -> None:
        for entry in step.entries:
            self.ledger.apply(entry)
        if step.ruling is not None:
            self.ledger.put(step.ruling)
        self.ledger.put(step.state)
        self.ledger.set_head(_head(step.state.dispute), step.state.id)
