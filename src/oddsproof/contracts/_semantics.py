"""What contracts mean: a pure, deterministic step function over a canonical state.

``step(contract, state, evidence, now=…)`` returns a :class:`Step`: the next state (whose
``terms`` are the rest of the contract), the :class:`Transfer`\\ s to apply, warnings, and, when
the evidence was of no use, the :class:`CheckReason` saying why. The same inputs always give the
same bytes; every evidence object is handled (refused with a reason, never with an exception
other than a typed one); every run closes by the contract's latest deadline.

Money. Each party's escrow (what :func:`requirements` says it must lock, so the most it pays on
any path) is held in the state. :class:`Pay` and :class:`Send` move value out of the payer's
escrow to the payee; a :class:`Bet` is the wait "a final ruling upholds the statement: the
layer pays the backer its stake; fails it: the backer pays the layer; deadline: nothing".
When the whole contract has closed, what is left is refunded to each owner as a transfer from
the owner to itself. A pay beyond the payer's escrow (impossible once :func:`start` accepted the
offer) pays what is there and warns, as Marlowe does.

Steps. A step first lets time pass (waits whose deadline is at or before ``now`` continue with
``otherwise``; immediate terms run), then applies the evidence to every wait that was waiting:
in each, the first case whose condition it meets is taken, and conditions it decides *against*
(a final ruling with the other outcome, a beacon round not below the threshold) are removed; a
wait left with no case continues with ``otherwise`` at once. Then immediate terms run again.

Evidence. A signed claim meets :class:`Supplies`; a final ruling signed by an arbiter of the
contract meets :class:`Verdict`; a round of the contract's beacon meets :class:`Lottery`; a
settlement co-signed by the named parties meets :class:`Agreed`. A settlement signed by *every*
party whose allocation exactly redistributes the escrow overrides everything: the contract ends
at once with that allocation. A settlement's version must exceed every version applied before.

Payments made in the continuation of a Supplies case carry ``condition = claim id``: the value is
the payee's only as long as the claim is not failed by a final ruling. The runtime marker
:class:`Claimed` records that scope inside the state's terms.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument, Refused, SignatureError
from oddsproof.errors import _validators as v
from oddsproof.ledger import Transfer
from oddsproof.wire import INT_LIMIT, Canonical, Digest, Domain, Party, PublicKey, Signed, canonical
from oddsproof.wire._identity import _key_of

from ._analysis import MAX_NESTING, analyze, requirements
from ._checks import (
    _SUPPLY_ORDER,
    CheckReason,
    check_answer,
    check_offer,
    claim_envelope,
    closest,
    supply_problem,
    supply_sites,
    verify_envelope,
)
from ._claims import Claim
from ._evidence import Allocation, BeaconRound, Ruling, Settlement
from ._terms import (
    Agreed,
    Bet,
    Both,
    Case,
    Close,
    Condition,
    Contract,
    Lottery,
    Pay,
    Send,
    Seq,
    Supplies,
    Term,
    Verdict,
    When,
)

Evidence = Signed[Claim] | Signed[Ruling] | Signed[Settlement] | BeaconRound
"""What can move a contract besides time."""

CLOSE: Final = Close()

Balances = Mapping[Party, int] | Mapping[PublicKey, int] | Mapping[Party | PublicKey, int]
"""Free balances by party or key (``Mapping`` keys are invariant, hence the three forms)."""

_digest = attrs.validators.instance_of(Digest)


@canonical("claimed")
@attrs.frozen
class Claimed(Term):
    """Runtime marker, never part of an offer: ``then`` is the continuation of a
    :class:`Supplies` case met by claim ``claim`` of statement ``statement``.

    Transfers made inside carry ``condition = claim``; a :class:`Verdict` with no statement
    inside is about ``statement``.
    """

    claim: Digest = attrs.field(validator=_digest)
    statement: Digest = attrs.field(validator=_digest)
    then: Term = attrs.field(validator=attrs.validators.instance_of(Term))


class Caution(enum.Enum):
    """What a :class:`StepWarning` is about."""

    PARTIAL_PAY = "partial-pay"
    """A pay beyond the payer's escrow: only what was left was paid."""
    NOTHING_TO_PAY = "nothing-to-pay"
    """A pay from an empty escrow: nothing was paid."""
    COIN_MISSING = "coin-missing"
    """A send of a coin the owner no longer holds in this contract: nothing was sent."""
    CLOCK_BACKWARDS = "clock-backwards"
    """``now`` was before the state's time; the state's time was used."""
    FOREIGN_TERM = "foreign-term"
    """A term the step function does not know, treated as :class:`Close`."""


@canonical("contract-warning")
@attrs.frozen
class StepWarning(Canonical):
    """Something a step did that a sound contract never makes it do."""

    code: Caution = attrs.field(validator=attrs.validators.instance_of(Caution))
    detail: str = attrs.field(validator=attrs.validators.instance_of(str))


def _check_escrow(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(a, Allocation) for a in value):
        raise InvalidArgument("escrow is a tuple of Allocation")
    keys = [a.party.key.raw for a in value]
    if keys != sorted(set(keys)):
        raise InvalidArgument("escrow is sorted by party key, one entry per party")
    seen: set[str] = set()
    for a in value:
        if type(a.amount) is not int or not 0 <= a.amount < INT_LIMIT:
            raise InvalidArgument(f"escrow of {a.party.name} is not an amount: {a.amount!r}")
        coins = a.coins
        if not isinstance(coins, tuple) or list(coins) != sorted(set(coins)):
            raise InvalidArgument(f"coins of {a.party.name} are sorted and distinct")
        if seen & set(coins):
            raise InvalidArgument("a coin is escrowed by two parties")
        seen |= set(coins)
        if not a.amount and not coins:
            raise InvalidArgument(f"empty escrow of {a.party.name} is left out")


def _check_claims(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(d, Digest) for d in pair)
        for pair in value
    ):
        raise InvalidArgument("claims is a tuple of (claim id, statement id) pairs")
    if len({pair[0] for pair in value}) != len(value):
        raise InvalidArgument("a claim is recorded twice")


@canonical("contract-state")
@attrs.frozen
class ContractState(Canonical):
    """Where a contract stands: the terms still to run, the escrow still held, the claims
    accepted (in order), the last settlement version applied and the latest time seen.

    Canonical, so a runtime can store it and name it by its id.
    """

    contract: Digest = attrs.field(validator=_digest)
    terms: Term = attrs.field(validator=attrs.validators.instance_of(Term))
    escrow: tuple[Allocation, ...] = attrs.field(default=(), validator=_check_escrow)
    claims: tuple[tuple[Digest, Digest], ...] = attrs.field(default=(), validator=_check_claims)
    settled: int = attrs.field(default=0, validator=v.amount)
    time: int = attrs.field(default=0, validator=v.amount)

    @property
    def closed(self) -> bool:
        """True once the whole contract has closed (its escrow then is empty)."""
        return isinstance(self.terms, Close)

    def holding(self, party: Party | PublicKey) -> Allocation | None:
        """What ``party`` still has escrowed here, if anything."""
        key = _key_of(party)
        for a in self.escrow:
            if a.party.key == key:
                return a
        return None


@canonical("contract-step")
@attrs.frozen
class Step(Canonical):
    """The outcome of one step: the next state, the transfers to apply (in order), warnings,
    and, when evidence was given but used by no wait, why not.

    ``met`` counts the cases the evidence took (a settlement that ends the contract counts
    one), ``ruled_out`` the cases it decided against.
    """

    state: ContractState = attrs.field(validator=attrs.validators.instance_of(ContractState))
    transfers: tuple[Transfer, ...] = attrs.field(default=(), validator=v.tuple_of(Transfer))
    warnings: tuple[StepWarning, ...] = attrs.field(default=(), validator=v.tuple_of(StepWarning))
    rejected: CheckReason | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(CheckReason))
    )
    met: int = attrs.field(default=0, validator=v.amount)
    ruled_out: int = attrs.field(default=0, validator=v.amount)

    @property
    def accepted(self) -> bool:
        """Whether the evidence did anything (always false for a step without evidence)."""
        return bool(self.met or self.ruled_out)


# ---------------------------------------------------------------------------------------------
# Escrow arithmetic


class _Escrow:
    """The mutable working copy of a state's escrow during one step."""

    def __init__(self, holdings: tuple[Allocation, ...], known: Mapping[bytes, Party]) -> None:
        self.who: dict[bytes, Party] = dict(known)
        self.amounts: dict[bytes, int] = {}
        self.coins: dict[str, bytes] = {}
        for a in holdings:
            key = a.party.key.raw
            self.who.setdefault(key, a.party)
            self.amounts[key] = a.amount
            for coin in a.coins:
                self.coins[coin] = key

    def party(self, p: Party) -> Party:
        return self.who.get(p.key.raw, p)

    def pay(self, term: Pay, condition: Digest | None, run: _Run) -> None:
        key = term.payer.key.raw
        have = self.amounts.get(key, 0)
        paid = min(have, term.amount)
        if paid < term.amount:
            code = Caution.PARTIAL_PAY if paid else Caution.NOTHING_TO_PAY
            run.warn(
                code,
                f"{term.payer.name} owes {term.amount} to {term.payee.name} with {have} escrowed",
            )
        if paid:
            self.amounts[key] = have - paid
            run.transfers.append(
                Transfer(self.party(term.payer), self.party(term.payee), paid, None, condition)
            )

    def send(self, term: Send, condition: Digest | None, run: _Run) -> None:
        if self.coins.get(term.coin) != term.owner.key.raw:
            run.warn(Caution.COIN_MISSING, f"{term.owner.name} does not hold coin {term.coin}")
            return
        del self.coins[term.coin]
        run.transfers.append(
            Transfer(self.party(term.owner), self.party(term.to), 0, term.coin, condition)
        )

    def refund_all(self, run: _Run) -> None:
        """Return everything left to its owner (the contract has closed)."""
        for key in sorted(self.amounts):
            if self.amounts[key]:
                owner = self.who[key]
                run.transfers.append(Transfer(owner, owner, self.amounts[key]))
        for coin in sorted(self.coins):
            owner = self.who[self.coins[coin]]
            run.transfers.append(Transfer(owner, owner, 0, coin))
        self.amounts.clear()
        self.coins.clear()

    def total(self) -> int:
        return sum(self.amounts.values())

    def redistribute(self, allocation: tuple[Allocation, ...], run: _Run) -> None:
        """Move the whole escrow to match ``allocation`` (already checked to match exactly)."""
        want = {a.party.key.raw: a.amount for a in allocation}
        have = dict(self.amounts)
        surplus: list[list[Any]] = []
        deficit: list[list[Any]] = []
        for key in sorted(set(have) | set(want)):
            own = min(have.get(key, 0), want.get(key, 0))
            if own:
                owner = self.who[key]
                run.transfers.append(Transfer(owner, owner, own))
            if have.get(key, 0) > own:
                surplus.append([key, have[key] - own])
            if want.get(key, 0) > own:
                deficit.append([key, want[key] - own])
        i = j = 0
        while i < len(surplus) and j < len(deficit):
            moved = min(surplus[i][1], deficit[j][1])
            run.transfers.append(Transfer(self.who[surplus[i][0]], self.who[deficit[j][0]], moved))
            surplus[i][1] -= moved
            deficit[j][1] -= moved
            i += surplus[i][1] == 0
            j += deficit[j][1] == 0
        for a in allocation:
            for coin in sorted(a.coins):
                holder = self.who[self.coins[coin]]
                run.transfers.append(Transfer(holder, self.who[a.party.key.raw], 0, coin))
        self.amounts.clear()
        self.coins.clear()

    def holdings(self) -> tuple[Allocation, ...]:
        coins: dict[bytes, list[str]] = {}
        for coin, key in self.coins.items():
            coins.setdefault(key, []).append(coin)
        keys = sorted(
            k for k in set(self.amounts) | set(coins) if self.amounts.get(k) or k in coins
        )
        return tuple(
            Allocation(self.who[k], self.amounts.get(k, 0), tuple(sorted(coins.get(k, ()))))
            for k in keys
        )


# ---------------------------------------------------------------------------------------------
# Evidence: what each kind says about each condition


class _Met(enum.Enum):
    MET = "met"
    AGAINST = "against"


_Verdict = _Met | CheckReason | None
"""Met, decided against, not met (and why), or not about this condition at all."""

Scope = tuple[Digest, Digest] | None
"""The claim (id, statement id) whose Supplies case the current term continues, if any."""


class _Judge(ABC):
    """Evaluates one checked piece of evidence against conditions."""

    @abstractmethod
    def evaluate(self, condition: Condition, scope: Scope, run: _Run) -> _Verdict:
        """What this evidence says about ``condition`` (``None``: nothing)."""


@attrs.frozen
class _ClaimJudge(_Judge):
    claim: Claim

    def evaluate(self, condition: Condition, scope: Scope, run: _Run) -> _Verdict:
        if not isinstance(condition, Supplies):
            return None
        problem = supply_problem(self.claim, condition)
        return _Met.MET if problem is None else problem


@attrs.frozen
class _RulingJudge(_Judge):
    ruling: Ruling

    def evaluate(self, condition: Condition, scope: Scope, run: _Run) -> _Verdict:
        if not isinstance(condition, Verdict):
            return None
        claim: Digest | None = None
        if condition.statement is not None:
            statement = condition.statement
        elif scope is not None:
            claim, statement = scope
        elif run.claims:
            claim, statement = run.claims[-1]
        else:
            return CheckReason.NO_CLAIM
        if self.ruling.statement != statement:
            return CheckReason.WRONG_STATEMENT
        if claim is not None and self.ruling.claim is not None and self.ruling.claim != claim:
            return CheckReason.WRONG_CLAIM
        return _Met.MET if self.ruling.upheld == condition.upheld else _Met.AGAINST


@attrs.frozen
class _RoundJudge(_Judge):
    round: BeaconRound

    def evaluate(self, condition: Condition, scope: Scope, run: _Run) -> _Verdict:
        if not isinstance(condition, Lottery):
            return None
        if condition.round != self.round.round:
            return CheckReason.WRONG_ROUND
        value = int.from_bytes(self.round.randomness.raw, "big")
        return _Met.MET if value < int.from_bytes(condition.threshold, "big") else _Met.AGAINST


@attrs.frozen
class _SettlementJudge(_Judge):
    signers: frozenset[bytes]

    def evaluate(self, condition: Condition, scope: Scope, run: _Run) -> _Verdict:
        if not isinstance(condition, Agreed):
            return None
        if all(p.key.raw in self.signers for p in condition.parties):
            return _Met.MET
        return CheckReason.NOT_SIGNED_BY_ALL


_ORDERS: Final[dict[type, tuple[CheckReason, ...]]] = {
    _ClaimJudge: _SUPPLY_ORDER,
    _RulingJudge: (CheckReason.NO_CLAIM, CheckReason.WRONG_STATEMENT, CheckReason.WRONG_CLAIM),
    _RoundJudge: (CheckReason.WRONG_ROUND,),
    _SettlementJudge: (CheckReason.NOT_SIGNED_BY_ALL, CheckReason.ALLOCATION_MISMATCH),
}


# ---------------------------------------------------------------------------------------------
# The run of one step


def _bet_as_wait(bet: Bet) -> When:
    statement = bet.statement.id
    return When(
        (
            Case(Verdict(statement, True), Pay(bet.layer, bet.backer, bet.layer_stake)),
            Case(Verdict(statement, False), Pay(bet.backer, bet.layer, bet.backer_stake)),
        ),
        bet.deadline,
        CLOSE,
    )


@attrs.define
class _Run:
    contract: Contract
    escrow: _Escrow
    now: int
    claims: list[tuple[Digest, Digest]]
    transfers: list[Transfer] = attrs.Factory(list)
    warnings: list[StepWarning] = attrs.Factory(list)
    reasons: list[CheckReason] = attrs.Factory(list)
    met: int = 0
    ruled_out: int = 0
    accepted_claim: Claim | None = None
    judge: _Judge | None = None

    def warn(self, code: Caution, detail: str) -> None:
        self.warnings.append(StepWarning(code, detail))

    def reduce(self, term: Term, scope: Scope, depth: int = 0) -> Term:
        """Run immediate terms and timeouts at ``now`` until every branch waits or closed."""
        if depth > MAX_NESTING:
            raise InvalidArgument(f"terms nest deeper than {MAX_NESTING} levels")
        if isinstance(term, Close):
            return term
        condition = scope[0] if scope is not None else None
        if isinstance(term, Pay):
            self.escrow.pay(term, condition, self)
            return CLOSE
        if isinstance(term, Send):
            self.escrow.send(term, condition, self)
            return CLOSE
        if isinstance(term, When):
            if self.now >= term.deadline:
                return self.reduce(term.otherwise, scope, depth + 1)
            return term
        if isinstance(term, Bet):
            return self.reduce(_bet_as_wait(term), scope, depth + 1)
        if isinstance(term, Both):
            left = self.reduce(term.left, scope, depth + 1)
            right = self.reduce(term.right, scope, depth + 1)
            if isinstance(left, Close):
                return right
            if isinstance(right, Close):
                return left
            return term if (left is term.left and right is term.right) else Both(left, right)
        if isinstance(term, Seq):
            first = self.reduce(term.first, scope, depth + 1)
            if isinstance(first, Close):
                return self.reduce(term.then, scope, depth + 1)
            return term if first is term.first else Seq(first, term.then)
        if isinstance(term, Claimed):
            inner = self.reduce(term.then, (term.claim, term.statement), depth + 1)
            if isinstance(inner, Close):
                return inner
            return term if inner is term.then else Claimed(term.claim, term.statement, inner)
        self.warn(Caution.FOREIGN_TERM, f"unknown term {type(term).__name__} closed")
        return CLOSE

    def apply(self, term: Term, scope: Scope, judge: _Judge, depth: int = 0) -> Term:
        """Offer the evidence to every wait of a quiescent ``term``; continuations it starts
        are not offered it again."""
        if depth > MAX_NESTING:
            raise InvalidArgument(f"terms nest deeper than {MAX_NESTING} levels")
        if isinstance(term, When):
            return self.apply_wait(term, scope, judge)
        if isinstance(term, Both):
            left = self.apply(term.left, scope, judge, depth + 1)
            right = self.apply(term.right, scope, judge, depth + 1)
            return term if (left is term.left and right is term.right) else Both(left, right)
        if isinstance(term, Seq):
            first = self.apply(term.first, scope, judge, depth + 1)
            return term if first is term.first else Seq(first, term.then)
        if isinstance(term, Claimed):
            inner = self.apply(term.then, (term.claim, term.statement), judge, depth + 1)
            return term if inner is term.then else Claimed(term.claim, term.statement, inner)
        return term

    def apply_wait(self, term: When, scope: Scope, judge: _Judge) -> Term:
        kept: list[Case] = []
        for case in term.cases:
            verdict = judge.evaluate(case.condition, scope, self)
            if verdict is _Met.MET:
                self.met += 1
                if isinstance(judge, _ClaimJudge):
                    self.accepted_claim = judge.claim
                    c = judge.claim
                    return Claimed(c.id, c.statement.id, case.then)
                return case.then
            if verdict is _Met.AGAINST:
                continue
            if isinstance(verdict, CheckReason):
                self.reasons.append(verdict)
            kept.append(case)
        if len(kept) == len(term.cases):
            return term
        self.ruled_out += len(term.cases) - len(kept)
        if not kept:
            return term.otherwise  # every case was decided against: continue at once
        return When(tuple(kept), term.deadline, term.otherwise)


# ---------------------------------------------------------------------------------------------
# Public functions


def _known(contract: Contract) -> dict[bytes, Party]:
    return {p.key.raw: p for p in contract.parties}


def begin(contract: Contract, *, now: int, escrow: tuple[Allocation, ...] | None = None) -> Step:
    """The first step of a contract whose escrow is locked: immediate terms run at ``now``.

    No check is made here (that is :func:`start`'s job); ``escrow`` defaults to
    :func:`requirements`. A runtime restoring a contract steps from its stored state instead.
    """
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"expected a Contract, got {type(contract).__name__}")
    now = v.check_now(now)
    held = _lockable(requirements(contract)) if escrow is None else escrow
    state = ContractState(contract.id, contract.terms, held, (), 0, now)
    run = _Run(contract, _Escrow(state.escrow, _known(contract)), now, [])
    terms = run.reduce(contract.terms, None)
    return _finish(run, state, terms, None, 0)


def _lockable(needs: tuple[Allocation, ...]) -> tuple[Allocation, ...]:
    """The requirements as escrow: a coin two owners send (an unsound contract, which
    :func:`start` refuses) is held by the first in key order only."""
    seen: set[str] = set()
    held: list[Allocation] = []
    for need in needs:
        coins = tuple(c for c in need.coins if c not in seen)
        seen.update(coins)
        if need.amount or coins:
            held.append(Allocation(need.party, need.amount, coins))
    return tuple(held)


def start(
    offer: Signed[Contract],
    *,
    domain: Domain,
    balances: Balances,
    coins: Mapping[str, Party | PublicKey] | None = None,
    now: int,
) -> Step:
    """Open an offer against the parties' free balances: escrow before promise.

    Refuses, with :class:`Refused` and nothing started, an offer whose signatures do not
    verify or lack a payer's (``OFFER_NOT_SIGNED``), whose analysis finds an error
    (``UNSOUND``), or whose parties lack the amounts or coins :func:`requirements` asks them to
    lock (``INSUFFICIENT_FUNDS``, with the shortfalls). ``coins`` maps each coin id to its
    owner. Returns the first :class:`Step`; the caller locks ``requirements`` in its ledger.
    """
    now = v.check_now(now)
    contract = check_offer(offer, domain)
    report = analyze(contract)
    if not report.sound:
        first = report.errors[0]
        raise Refused(
            CheckReason.UNSOUND,
            f"{first.check.value}: {first.message} (path {first.where})",
            findings=report.errors,
        )
    free = _balances(balances)
    owners = _owners(coins or {})
    shortfalls: list[Allocation] = []
    for need in report.requirements:
        key = need.party.key.raw
        lacking = max(0, need.amount - free.get(key, 0))
        missing = tuple(c for c in need.coins if owners.get(c) != key)
        if lacking or missing:
            shortfalls.append(Allocation(need.party, lacking, missing))
    if shortfalls:
        text = "; ".join(
            f"{s.party.name} lacks {s.amount}" + (f" and {', '.join(s.coins)}" if s.coins else "")
            for s in shortfalls
        )
        raise Refused(CheckReason.INSUFFICIENT_FUNDS, text, shortfalls=tuple(shortfalls))
    return begin(contract, now=now, escrow=report.requirements)


def _balances(balances: Balances) -> dict[bytes, int]:
    free: dict[bytes, int] = {}
    for who, amount in balances.items():
        if not isinstance(who, Party | PublicKey):
            raise InvalidArgument(
                f"balances are keyed by Party or PublicKey, not {type(who).__name__}"
            )
        if type(amount) is not int or amount < 0:
            raise InvalidArgument(f"a balance is a non-negative integer, got {amount!r}")
        free[_key_of(who).raw] = amount
    return free


def _owners(coins: Mapping[str, Party | PublicKey]) -> dict[str, bytes]:
    owners: dict[str, bytes] = {}
    for coin, who in coins.items():
        if not isinstance(coin, str) or not isinstance(who, Party | PublicKey):
            raise InvalidArgument("coins map coin ids to a Party or PublicKey")
        owners[coin] = _key_of(who).raw
    return owners


def advance(contract: Contract, state: ContractState, *, now: int) -> Step:
    """Let time pass to ``now`` with no evidence: timeouts fire, immediate terms run."""
    return step(contract, state, None, now=now)


def step(
    contract: Contract,
    state: ContractState,
    evidence: Evidence | None,
    *,
    now: int,
    domain: Domain | None = None,
) -> Step:
    """One step of ``contract`` from ``state`` at time ``now``, with optional ``evidence``.

    Pure and deterministic. Evidence that meets no condition is reported in
    :attr:`Step.rejected`; time still passes. ``domain`` is needed for signed evidence.
    Raises :class:`InvalidArgument` only for inconsistent arguments.
    """
    if not isinstance(contract, Contract) or not isinstance(state, ContractState):
        raise InvalidArgument("step takes a Contract and its ContractState")
    if state.contract != contract.id:
        raise InvalidArgument(f"the state belongs to contract {state.contract}, not {contract.id}")
    now = v.check_now(now)
    if domain is not None and not isinstance(domain, Domain):
        raise InvalidArgument(f"domain must be a Domain, got {type(domain).__name__}")
    run = _Run(
        contract, _Escrow(state.escrow, _known(contract)), max(now, state.time), list(state.claims)
    )
    if now < state.time:
        run.warn(Caution.CLOCK_BACKWARDS, f"now t={now} is before the state's t={state.time}")
    was_closed = state.closed
    terms = run.reduce(state.terms, None)
    if evidence is None:
        return _finish(run, state, terms, None, state.settled)
    if was_closed:
        return _finish(run, state, terms, CheckReason.CONTRACT_CLOSED, state.settled)
    try:
        terms, settled = _admit(run, state, terms, evidence, domain)
    except Refused as exc:
        reason = exc.reason
        assert isinstance(reason, CheckReason)  # _admit refuses with a CheckReason only
        return _finish(run, state, terms, reason, state.settled)
    rejected = None
    if not (run.met or run.ruled_out) and settled == state.settled:
        rejected = _reason(run)
    return _finish(run, state, run.reduce(terms, None), rejected, settled)


def _finish(
    run: _Run, state: ContractState, terms: Term, rejected: CheckReason | None, settled: int
) -> Step:
    if isinstance(terms, Close):
        run.escrow.refund_all(run)
    claims = list(state.claims)
    if run.accepted_claim is not None:
        claims.append((run.accepted_claim.id, run.accepted_claim.statement.id))
    after = ContractState(
        state.contract, terms, run.escrow.holdings(), tuple(claims), settled, run.now
    )
    return Step(
        after,
        tuple(run.transfers),
        tuple(run.warnings),
        rejected,
        run.met if rejected is None else 0,
        run.ruled_out if rejected is None else 0,
    )


def _reason(run: _Run) -> CheckReason:
    judge = run.judge
    reasons = list(run.reasons)
    if isinstance(judge, _ClaimJudge):
        for site in supply_sites(run.contract.terms):
            if supply_problem(judge.claim, site.condition) is None and run.now >= site.deadline:
                reasons.append(CheckReason.EXPIRED)
    order = _ORDERS.get(type(judge), ())
    return closest(reasons, order) or CheckReason.NOTHING_WAITING


def _admit(
    run: _Run, state: ContractState, terms: Term, evidence: object, domain: Domain | None
) -> tuple[Term, int]:
    """Check ``evidence`` as a whole, then offer it to the waits; returns the terms and the
    settlement version now applied. Raises :class:`Refused` for evidence refused outright."""
    contract = run.contract
    if isinstance(evidence, BeaconRound):
        if contract.beacon is None or evidence.beacon != contract.beacon:
            raise Refused(CheckReason.WRONG_BEACON, "a round of another beacon")
        try:
            evidence.verify()
        except SignatureError as exc:
            raise Refused(CheckReason.BAD_SIGNATURE, str(exc)) from exc
        return _offer(run, terms, _RoundJudge(evidence)), state.settled
    if not isinstance(evidence, Signed):
        raise Refused(CheckReason.UNSUPPORTED_EVIDENCE, f"{type(evidence).__name__} is no evidence")
    if domain is None:
        raise InvalidArgument("a domain is needed to check signed evidence")
    body = evidence.body
    if isinstance(body, Claim):
        claim = claim_envelope(evidence, domain)
        check_answer(claim, contract, now=run.now, claimed=[c for c, _ in state.claims])
        return _offer(run, terms, _ClaimJudge(claim)), state.settled
    if isinstance(body, Ruling):
        ruling: Ruling = verify_envelope(evidence, Ruling, domain)
        if not any(evidence.signed_by(a) for a in contract.arbiters):
            raise Refused(CheckReason.NOT_AN_ARBITER, "no arbiter of the contract signed it")
        if not ruling.final:
            raise Refused(CheckReason.NOT_FINAL, f"a ruling at level {ruling.level} not final")
        if not evidence.signed_by(contract.arbiters[-1]):
            # Only the ladder's final arbiter speaks for the ladder: a lower level's ruling
            # becomes final when the final arbiter certifies that its appeal window lapsed.
            raise Refused(
                CheckReason.NOT_THE_FINAL_ARBITER,
                f"final rulings come from {contract.arbiters[-1].name}, the final arbiter",
            )
        if ruling.contract is not None and ruling.contract != contract.id:
            raise Refused(CheckReason.WRONG_CONTRACT, f"a ruling on contract {ruling.contract}")
        return _offer(run, terms, _RulingJudge(ruling)), state.settled
    if isinstance(body, Settlement):
        return _settle(run, state, terms, evidence, domain)
    raise Refused(CheckReason.UNSUPPORTED_EVIDENCE, f"a signed {body.KIND} is no evidence")


def _offer(run: _Run, terms: Term, judge: _Judge) -> Term:
    run.judge = judge
    return run.apply(terms, None, judge)


def _settle(
    run: _Run, state: ContractState, terms: Term, evidence: Signed[Any], domain: Domain
) -> tuple[Term, int]:
    settlement: Settlement = verify_envelope(evidence, Settlement, domain)
    if settlement.contract != run.contract.id:
        raise Refused(CheckReason.WRONG_CONTRACT, f"a settlement of {settlement.contract}")
    if settlement.version <= state.settled:
        raise Refused(
            CheckReason.STALE_SETTLEMENT,
            f"version {settlement.version}, but version {state.settled} is already applied",
        )
    signers = frozenset(k.raw for k in evidence.signers)
    everyone = all(p.key.raw in signers for p in run.contract.parties)
    mismatch = _allocation_problem(run, settlement) if everyone else None
    if everyone and mismatch is None:
        run.escrow.redistribute(settlement.allocation, run)
        run.met += 1  # the settlement takes the whole contract
        return CLOSE, settlement.version
    terms = _offer(run, terms, _SettlementJudge(signers))
    if run.met:
        return terms, settlement.version
    if mismatch is not None:
        raise Refused(CheckReason.ALLOCATION_MISMATCH, mismatch)
    return terms, state.settled


def _allocation_problem(run: _Run, settlement: Settlement) -> str | None:
    members = {p.key.raw for p in run.contract.parties}
    for a in settlement.allocation:
        if a.party.key.raw not in members:
            return f"{a.party.name} is not a party of the contract"
    total = sum(a.amount for a in settlement.allocation)
    if total != run.escrow.total():
        return f"allocates {total}, but {run.escrow.total()} is escrowed"
    given = sorted(c for a in settlement.allocation for c in a.coins)
    if given != sorted(run.escrow.coins):
        return f"allocates coins {given}, but {sorted(run.escrow.coins)} are escrowed"
    return None
