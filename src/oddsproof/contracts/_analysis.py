"""Static analysis of contracts: what a contract can do on every path, before anyone signs it.

A *path* is one way a contract can run: at every wait (a :class:`When` or a :class:`Bet`) it
takes one case, or times out; both branches of a :class:`Both` run; a :class:`Seq` runs its
parts in turn. :func:`analyze` proves or refutes, over every path and with exact integers:

* value is conserved: every amount and coin that leaves the contract was escrowed, each coin
  leaves once, and what is not paid out is refunded (escrow in = payouts + refunds);
* no balance goes negative: no party pays more on a path than it escrowed;
* every wait has a deadline (one before :data:`FOREVER`, or within ``horizon`` when given);
* each nested deadline ends at least Δ before its parent's;
* the number of steps is bounded (and reports the bound), and the maximum each party can lose.

The per-party figures are computed compositionally (a wait takes the worst of its branches, a
``Both`` or ``Seq`` adds its parts), so they are exact over every path even when there are far
too many paths to list; each finding names one offending path, such as
``when@0 case 0 → both.left → pay alice→bob 5``. Paths are also listed, up to ``max_paths``,
with the transfers each produces, and the listing is checked for conservation transfer by
transfer. Waits are numbered ``@0, @1, …`` in reading order (pre-order) and cases from 0.

This module depends only on the terms: :mod:`._semantics` uses :func:`requirements` to decide
what each party escrows and refuses offers whose report is not :attr:`Report.sound`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.ledger import Transfer
from oddsproof.wire import INT_LIMIT, Digest, Party

from ._evidence import Allocation
from ._terms import (
    Agreed,
    Bet,
    Both,
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

FOREVER: Final = 1 << 62
"""A deadline at or beyond this (about 146 billion years of seconds) stands for "never": the
analysis reports such a wait as having no deadline."""

DEFAULT_MAX_PATHS: Final = 256
"""How many paths a report lists by default (the checks cover every path regardless)."""

MAX_NESTING: Final = 200
"""Deepest term nesting the analysis accepts; decodable contracts nest far less."""

ARROW: Final = " → "


class Severity(enum.Enum):
    """An error makes a contract unsound (offers are refused); a warning is reported only."""

    ERROR = "error"
    WARNING = "warning"


class Check(enum.Enum):
    """What a finding is about."""

    NEGATIVE_BALANCE = "negative-balance"
    """A party pays more on some path than it escrows (or pays without being a party)."""
    NOT_CONSERVED = "not-conserved"
    """A path moves value that was never escrowed: a coin sent twice, or by two owners."""
    AMOUNT_OVERFLOW = "amount-overflow"
    """A party's escrow would not fit the encoding (2**63 or more)."""
    NO_DEADLINE = "no-deadline"
    """A wait whose deadline is :data:`FOREVER` or later, or beyond the given horizon."""
    DEADLINE_NESTING = "deadline-nesting"
    """A nested wait ends less than Δ before its parent's deadline."""
    TOO_MANY_STEPS = "too-many-steps"
    """The step bound exceeds the limit the caller set."""
    FOREIGN_TERM = "foreign-term"
    """A term that is not part of the offer language (a runtime marker, say)."""
    DEAD_WAIT = "dead-wait"
    """A wait whose deadline has always passed by the time it is reached."""
    UNMEETABLE = "unmeetable"
    """A condition nothing can meet: a verdict with no arbiters, a lottery with no beacon, a
    verdict on "the claim" with no claim before it."""


_SEVERITY: Final = {
    Check.NEGATIVE_BALANCE: Severity.ERROR,
    Check.NOT_CONSERVED: Severity.ERROR,
    Check.AMOUNT_OVERFLOW: Severity.ERROR,
    Check.NO_DEADLINE: Severity.ERROR,
    Check.DEADLINE_NESTING: Severity.ERROR,
    Check.TOO_MANY_STEPS: Severity.ERROR,
    Check.FOREIGN_TERM: Severity.ERROR,
    Check.DEAD_WAIT: Severity.WARNING,
    Check.UNMEETABLE: Severity.WARNING,
}


def _strings(_inst: object, attr: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"{attr.name} is a tuple of strings")


@attrs.frozen
class Finding:
    """One property the analysis refuted, with the path that shows it."""

    check: Check = attrs.field(validator=attrs.validators.instance_of(Check))
    path: tuple[str, ...] = attrs.field(validator=_strings)
    message: str = attrs.field(validator=attrs.validators.instance_of(str))

    @property
    def severity(self) -> Severity:
        """Errors make the contract unsound; warnings do not."""
        return _SEVERITY[self.check]

    @property
    def where(self) -> str:
        """The path as one line, steps joined by arrows."""
        return ARROW.join(self.path) if self.path else "(at the start)"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "check": self.check.value,
            "severity": self.severity.value,
            "path": list(self.path),
            "where": self.where,
            "message": self.message,
        }


@attrs.frozen
class Exposure:
    """The most ``party`` can lose on any path: net amount paid out, and coins it may send."""

    party: Party = attrs.field(validator=attrs.validators.instance_of(Party))
    amount: int = attrs.field(validator=attrs.validators.instance_of(int))
    coins: tuple[str, ...] = attrs.field(validator=_strings)
    path: tuple[str, ...] = attrs.field(validator=_strings)
    """A path on which the amount is lost."""


@attrs.frozen
class PathReport:
    """One listed path: its steps and the transfers it makes, refunds included."""

    steps: tuple[str, ...] = attrs.field(validator=_strings)
    transfers: tuple[Transfer, ...] = attrs.field(validator=v.tuple_of(Transfer))

    @property
    def where(self) -> str:
        """The path as one line."""
        return ARROW.join(self.steps) if self.steps else "(nothing happens)"


@attrs.frozen
class Report:
    """What :func:`analyze` proved about a contract; :attr:`sound` when no error was found."""

    contract: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))
    delta: int = attrs.field(validator=attrs.validators.instance_of(int))
    requirements: tuple[Allocation, ...] = attrs.field(validator=v.tuple_of(Allocation))
    """What each party must escrow at signing (amounts and coins), sorted by key."""
    escrow: tuple[Allocation, ...] = attrs.field(validator=v.tuple_of(Allocation))
    """The escrow the paths were checked against (the requirements of the parties by default)."""
    exposures: tuple[Exposure, ...] = attrs.field(validator=v.tuple_of(Exposure))
    max_steps: int = attrs.field(validator=attrs.validators.instance_of(int))
    """No run changes the contract in more steps than this."""
    ends_by: int = attrs.field(validator=attrs.validators.instance_of(int))
    """Every run has closed by this time (the latest deadline; ``created`` when none)."""
    waits: int = attrs.field(validator=attrs.validators.instance_of(int))
    path_count: int = attrs.field(validator=attrs.validators.instance_of(int))
    paths: tuple[PathReport, ...] = attrs.field(validator=v.tuple_of(PathReport))
    """The first paths in reading order, at most ``max_paths`` of :attr:`path_count`."""
    findings: tuple[Finding, ...] = attrs.field(validator=v.tuple_of(Finding))

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that make the contract unsound."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def sound(self) -> bool:
        """True when every property was proved (warnings allowed)."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view of the whole report."""
        return {
            "contract": self.contract.hex(),
            "sound": self.sound,
            "delta": self.delta,
            "requirements": [_allocation_json(a) for a in self.requirements],
            "escrow": [_allocation_json(a) for a in self.escrow],
            "max_loss": [
                {
                    "party": e.party.name,
                    "key": e.party.key.hex(),
                    "amount": e.amount,
                    "coins": list(e.coins),
                    "path": ARROW.join(e.path),
                }
                for e in self.exposures
            ],
            "max_steps": self.max_steps,
            "ends_by": self.ends_by,
            "waits": self.waits,
            "path_count": self.path_count,
            "paths": [
                {"path": p.where, "transfers": [_transfer_text(t) for t in p.transfers]}
                for p in self.paths
            ],
            "findings": [f.to_json() for f in self.findings],
        }

    def text(self) -> str:
        """A readable report: escrow, paths, exposures, bounds, then findings."""
        lines = [
            f"contract {self.contract.hex()}",
            f"  {self.waits} wait(s), {self.path_count} path(s), at most {self.max_steps} "
            f"step(s), closed by t={self.ends_by}, Δ={self.delta}",
            "escrow at signing:",
        ]
        lines += [f"  {_holding_text(a)}" for a in self.requirements] or ["  nothing"]
        if self.escrow != self.requirements:
            lines.append("escrow the paths were checked against:")
            lines += [f"  {_holding_text(a)}" for a in self.escrow] or ["  nothing"]
        shown = len(self.paths)
        more = f" (first {shown} of {self.path_count})" if shown < self.path_count else ""
        lines.append(f"paths{more}:")
        for number, path in enumerate(self.paths, 1):
            lines.append(f"  {number}. {path.where}")
            moves = ", ".join(_transfer_text(t) for t in path.transfers) or "no transfers"
            lines.append(f"     transfers: {moves}")
        lines.append("most each party can lose:")
        for e in self.exposures:
            lines.append(f"  {e.party.name}: {_value_text(e.amount, e.coins)}")
        if not self.exposures:
            lines.append("  nothing")
        if self.findings:
            lines.append("findings:")
            for f in self.findings:
                lines.append(f"  {f.severity.value} {f.check.value}: {f.message}")
                lines.append(f"    path: {f.where}")
        lines.append("SOUND" if self.sound else f"UNSOUND: {len(self.errors)} error(s)")
        return "\n".join(lines)


def _value_text(amount: int, coins: tuple[str, ...]) -> str:
    parts = [str(amount)] if amount or not coins else []
    return " + ".join([*parts, *coins])


def _holding_text(a: Allocation) -> str:
    return f"{a.party.name}: {_value_text(a.amount, a.coins)}"


def _allocation_json(a: Allocation) -> dict[str, Any]:
    return {"party": a.party.name, "key": a.party.key.hex(), "amount": a.amount,
            "coins": list(a.coins)}  # fmt: skip


def _transfer_text(t: Transfer) -> str:
    what = t.coin if t.coin is not None else str(t.amount)
    if t.payer.key == t.payee.key:
        return f"refund {what} to {t.payer.name}"
    return f"{t.payer.name}→{t.payee.name} {what}"


# ---------------------------------------------------------------------------------------------
# Trails: paths built by concatenation without copying, flattened only when reported.

Trail = None | str | tuple["Trail", "Trail"]


def _cat(a: Trail, b: Trail) -> Trail:
    if a is None:
        return b
    if b is None:
        return a
    return (a, b)


def _flatten(trail: Trail) -> tuple[str, ...]:
    out: list[str] = []
    stack: list[Trail] = [trail]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if isinstance(item, str):
            out.append(item)
        else:
            stack.append(item[1])
            stack.append(item[0])
    return tuple(out)


def _halves(term: Both | Seq) -> tuple[Term, Term, tuple[str | None, str | None]]:
    """The two parts of a ``Both`` or ``Seq`` and their path labels (a ``Seq`` adds none)."""
    if isinstance(term, Both):
        return term.left, term.right, ("both.left", "both.right")
    return term.first, term.then, (None, None)


# ---------------------------------------------------------------------------------------------
# Compositional summaries


@attrs.define
class _Summary:
    """What a subterm can do over all its paths; trails are relative to the subterm."""

    count: int
    first: Trail
    out: dict[bytes, tuple[int, Trail]]
    """Per payer key: the most it pays on one path, and such a path."""
    net: dict[bytes, tuple[int, Trail]]
    """Per party key: the most it loses (paid minus received) on one path, and such a path."""
    coins: dict[str, Trail]
    """Coins sent on some path, with such a path."""
    steps: tuple[int, Trail]
    latest: int


def _leaf(trail: Trail) -> _Summary:
    return _Summary(1, trail, {}, {}, {}, (0, trail), -1)


def _add(
    mine: dict[bytes, tuple[int, Trail]],
    theirs: dict[bytes, tuple[int, Trail]],
    mine_first: Trail,
    theirs_first: Trail,
) -> dict[bytes, tuple[int, Trail]]:
    merged: dict[bytes, tuple[int, Trail]] = {}
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        a, ta = mine.get(key, (0, mine_first))
        b, tb = theirs.get(key, (0, theirs_first))
        merged[key] = (a + b, _cat(ta, tb))
    return merged


def _worst(branches: Sequence[tuple[Trail, _Summary]], pick: str) -> dict[bytes, tuple[int, Trail]]:
    keys: list[bytes] = []
    for _, s in branches:
        keys += [k for k in getattr(s, pick) if k not in keys]
    worst: dict[bytes, tuple[int, Trail]] = {}
    for key in keys:
        best: tuple[int, Trail] | None = None
        for label, s in branches:
            value, trail = getattr(s, pick).get(key, (0, s.first))
            if best is None or value > best[0]:
                best = (value, _cat(label, trail))
        assert best is not None
        worst[key] = best
    return worst


@attrs.define
class _Analyzer:
    contract: Contract
    delta: int
    horizon: int | None
    findings: list[Finding] = attrs.Factory(list)
    parties: dict[bytes, Party] = attrs.Factory(dict)
    owners: dict[str, list[tuple[bytes, Trail]]] = attrs.Factory(dict)
    waits: int = 0
    supplies_seen: bool = False

    def party(self, p: Party) -> bytes:
        key = p.key.raw
        self.parties.setdefault(key, p)
        return key

    def find(self, check: Check, trail: Trail, message: str) -> None:
        self.findings.append(Finding(check, _flatten(trail), message))

    def coins_sent(self) -> dict[bytes, set[str]]:
        """The coins each owner sends on some path."""
        coins: dict[bytes, set[str]] = {}
        for coin, sites in self.owners.items():
            for owner, _ in sites:
                coins.setdefault(owner, set()).add(coin)
        return coins

    # The traversal: ``prefix`` is the path from the root to this term, ``limit`` the latest
    # deadline a wait here may have (parent's deadline minus Δ), ``earliest`` a time before
    # which this term cannot start.

    def visit(
        self, term: Term, prefix: Trail, limit: tuple[int, str] | None, earliest: int, depth: int
    ) -> _Summary:
        if depth > MAX_NESTING:
            raise InvalidArgument(f"terms nest deeper than {MAX_NESTING} levels")
        if isinstance(term, Close):
            return _leaf(None)
        if isinstance(term, Pay):
            return self.visit_pay(term)
        if isinstance(term, Send):
            return self.visit_send(term, prefix)
        if isinstance(term, When):
            return self.visit_when(term, prefix, limit, earliest, depth)
        if isinstance(term, Bet):
            return self.visit_bet(term, prefix, limit, earliest)
        if isinstance(term, Both | Seq):
            left, right, marks = _halves(term)
            a = self.visit(left, _cat(prefix, marks[0]), limit, earliest, depth + 1)
            b = self.visit(right, _cat(prefix, marks[1]), limit, earliest, depth + 1)
            return self.concat(a, b, marks, prefix)
        label = f"<{getattr(term, 'KIND', type(term).__name__)}>"
        self.find(
            Check.FOREIGN_TERM,
            _cat(prefix, label),
            f"term {label} is not part of the offer language",
        )
        return _leaf(label)

    def visit_pay(self, term: Pay) -> _Summary:
        payer, payee = self.party(term.payer), self.party(term.payee)
        label = _pay_label(term.payer, term.payee, term.amount)
        s = _leaf(label)
        s.out[payer] = (term.amount, label)
        if payer != payee:
            s.net[payer] = (term.amount, label)
            s.net[payee] = (-term.amount, label)
        return s

    def visit_send(self, term: Send, prefix: Trail) -> _Summary:
        owner = self.party(term.owner)
        self.party(term.to)
        label = _send_label(term)
        self.owners.setdefault(term.coin, []).append((owner, _cat(prefix, label)))
        s = _leaf(label)
        s.coins[term.coin] = label
        return s

    def concat(
        self, a: _Summary, b: _Summary, marks: tuple[str | None, str | None], prefix: Trail
    ) -> _Summary:
        fa, fb = _cat(marks[0], a.first), _cat(marks[1], b.first)
        out = _add(_mark(a.out, marks[0]), _mark(b.out, marks[1]), fa, fb)
        net = _add(_mark(a.net, marks[0]), _mark(b.net, marks[1]), fa, fb)
        coins: dict[str, Trail] = {c: _cat(marks[0], t) for c, t in a.coins.items()}
        for coin, trail in b.coins.items():
            if coin in coins:
                self.find(
                    Check.NOT_CONSERVED,
                    _cat(prefix, _cat(coins[coin], _cat(marks[1], trail))),
                    f"coin {coin} is sent twice on one path",
                )
            else:
                coins[coin] = _cat(marks[1], trail)
        sa, sb = a.steps, b.steps
        steps = (sa[0] + sb[0], _cat(_cat(marks[0], sa[1]), _cat(marks[1], sb[1])))
        return _Summary(
            a.count * b.count, _cat(fa, fb), out, net, coins, steps, max(a.latest, b.latest)
        )

    def check_wait(
        self, deadline: int, trail: Trail, limit: tuple[int, str] | None, earliest: int
    ) -> None:
        if deadline >= FOREVER:
            self.find(Check.NO_DEADLINE, trail, f"the wait has no deadline (t={deadline})")
        elif self.horizon is not None and deadline > self.contract.created + self.horizon:
            self.find(
                Check.NO_DEADLINE,
                trail,
                f"the wait ends at t={deadline}, beyond the horizon of {self.horizon}s after"
                f" the offer (t={self.contract.created + self.horizon})",
            )
        if limit is not None and deadline > limit[0]:
            self.find(
                Check.DEADLINE_NESTING,
                trail,
                f"deadline t={deadline} ends less than Δ={self.delta} before that of its parent"
                f" {limit[1]} (must be at most t={limit[0]})",
            )
        if deadline <= earliest:
            self.find(
                Check.DEAD_WAIT,
                trail,
                f"deadline t={deadline} has passed whenever this wait is reached (t≥{earliest})",
            )

    def check_condition(self, condition: Condition, trail: Trail) -> None:
        if isinstance(condition, Verdict):
            if not self.contract.arbiters:
                self.find(Check.UNMEETABLE, trail, "a verdict, but the contract names no arbiter")
            elif condition.statement is None and not self.supplies_seen:
                self.find(
                    Check.UNMEETABLE, trail, "a verdict on the claim, but no Supplies case precedes"
                )
        elif isinstance(condition, Lottery) and self.contract.beacon is None:
            self.find(Check.UNMEETABLE, trail, "a lottery, but the contract names no beacon")
        elif isinstance(condition, Supplies | Agreed):
            for p in (condition.party,) if isinstance(condition, Supplies) else condition.parties:
                self.party(p)

    def visit_when(
        self,
        term: When,
        prefix: Trail,
        limit: tuple[int, str] | None,
        earliest: int,
        depth: int,
    ) -> _Summary:
        name = f"when@{self.waits}"
        self.waits += 1
        here = _cat(prefix, name)
        self.check_wait(term.deadline, here, limit, earliest)
        for i, case in enumerate(term.cases):
            self.check_condition(case.condition, _cat(prefix, f"{name} case {i}"))
        if any(isinstance(c.condition, Supplies) for c in term.cases):
            self.supplies_seen = True
        inner = (term.deadline - self.delta, name)
        branches: list[tuple[Trail, _Summary]] = []
        for i, case in enumerate(term.cases):
            label = f"{name} case {i}"
            s = self.visit(case.then, _cat(prefix, label), inner, earliest, depth + 1)
            branches.append((label, s))
        label = f"{name} timeout"
        s = self.visit(
            term.otherwise, _cat(prefix, label), limit, max(earliest, term.deadline), depth + 1
        )
        branches.append((label, s))
        return self.choose(branches, len(term.cases), term.deadline)

    def visit_bet(
        self, term: Bet, prefix: Trail, limit: tuple[int, str] | None, earliest: int
    ) -> _Summary:
        name = f"bet@{self.waits}"
        self.waits += 1
        self.check_wait(term.deadline, _cat(prefix, name), limit, earliest)
        if not self.contract.arbiters:
            self.find(
                Check.UNMEETABLE,
                _cat(prefix, name),
                "a bet, but the contract names no arbiter: it can only time out",
            )
        branches = [
            (f"{name} upheld", self.visit_pay(Pay(term.layer, term.backer, term.layer_stake))),
            (f"{name} failed", self.visit_pay(Pay(term.backer, term.layer, term.backer_stake))),
            (f"{name} timeout", _leaf(None)),
        ]
        return self.choose(branches, 2, term.deadline)

    def choose(
        self, branches: Sequence[tuple[Trail, _Summary]], cases: int, deadline: int
    ) -> _Summary:
        coins: dict[str, Trail] = {}
        for label, s in branches:
            for coin, trail in s.coins.items():
                coins.setdefault(coin, _cat(label, trail))
        steps: tuple[int, Trail] | None = None
        for label, s in branches:
            if steps is None or s.steps[0] > steps[0]:
                steps = (s.steps[0], _cat(label, s.steps[1]))
        assert steps is not None
        return _Summary(
            sum(s.count for _, s in branches),
            _cat(branches[0][0], branches[0][1].first),
            _worst(branches, "out"),
            _worst(branches, "net"),
            coins,
            (steps[0] + cases, steps[1]),
            max(deadline, *(s.latest for _, s in branches)),
        )


def _mark(
    values: dict[bytes, tuple[int, Trail]], mark: str | None
) -> dict[bytes, tuple[int, Trail]]:
    if mark is None:
        return values
    return {k: (v, _cat(mark, t)) for k, (v, t) in values.items()}


# ---------------------------------------------------------------------------------------------
# Listing paths


def _pay_label(payer: Party, payee: Party, amount: int) -> str:
    return f"pay {payer.name}→{payee.name} {amount}"


def _send_label(term: Send) -> str:
    return f"send {term.coin} {term.owner.name}→{term.to.name}"


_Effect = tuple[Party, Party, int, str | None]
_Event = tuple[str | None, _Effect | None]


def _paths(term: Term, cap: int, counter: list[int]) -> list[list[_Event]]:
    """Up to ``cap`` paths of ``term`` in reading order; ``counter`` numbers the waits."""
    effect: _Effect
    if isinstance(term, Pay):
        effect = (term.payer, term.payee, term.amount, None)
        return [[(_pay_label(term.payer, term.payee, term.amount), effect)]]
    if isinstance(term, Send):
        effect = (term.owner, term.to, 0, term.coin)
        return [[(_send_label(term), effect)]]
    if isinstance(term, When):
        name = f"when@{counter[0]}"
        counter[0] += 1
        out: list[list[_Event]] = []
        for i, case in enumerate((*term.cases, None)):
            then = term.otherwise if case is None else case.then
            label = f"{name} timeout" if case is None else f"{name} case {i}"
            for path in _paths(then, cap, counter):
                if len(out) < cap:
                    out.append([(label, None), *path])
        return out
    if isinstance(term, Bet):
        name = f"bet@{counter[0]}"
        counter[0] += 1
        won: _Effect = (term.layer, term.backer, term.layer_stake, None)
        lost: _Effect = (term.backer, term.layer, term.backer_stake, None)
        bets: list[list[_Event]] = [
            [
                (f"{name} upheld", None),
                (_pay_label(term.layer, term.backer, term.layer_stake), won),
            ],
            [
                (f"{name} failed", None),
                (_pay_label(term.backer, term.layer, term.backer_stake), lost),
            ],
            [(f"{name} timeout", None)],
        ]
        return bets[:cap]
    if isinstance(term, Both | Seq):
        left, right, marks = _halves(term)
        lefts = _paths(left, cap, counter)
        rights = _paths(right, cap, counter)
        combined: list[list[_Event]] = []
        for a in lefts:
            for b in rights:
                if len(combined) >= cap:
                    return combined
                combined.append([(marks[0], None), *a, (marks[1], None), *b])
        return combined
    return [[]]  # Close, and foreign terms (reported by the summary pass)


def _replay(events: list[_Event], escrow: Mapping[bytes, Allocation]) -> PathReport:
    amounts = {k: a.amount for k, a in escrow.items()}
    holders = {coin: k for k, a in escrow.items() for coin in a.coins}
    who = {k: a.party for k, a in escrow.items()}
    steps: list[str] = []
    transfers: list[Transfer] = []
    for label, effect in events:
        if label is not None:
            steps.append(label)
        if effect is None:
            continue
        payer, payee, amount, coin = effect
        key = payer.key.raw
        if coin is None:
            paid = min(amount, amounts.get(key, 0))
            if paid:
                amounts[key] -= paid
                transfers.append(Transfer(who.get(key, payer), payee, paid))
        elif holders.get(coin) == key:
            del holders[coin]
            transfers.append(Transfer(who.get(key, payer), payee, 0, coin))
    for key in sorted(amounts):
        if amounts[key]:
            transfers.append(Transfer(who[key], who[key], amounts[key]))
    for coin in sorted(holders):
        owner = who[holders[coin]]
        transfers.append(Transfer(owner, owner, 0, coin))
    return PathReport(tuple(steps), tuple(transfers))


def _conserved(report: PathReport, escrow: Mapping[bytes, Allocation]) -> str | None:
    """Check escrow in = payouts + refunds on one listed path; say what differs, if anything."""
    for key, holding in escrow.items():
        out = sum(t.amount for t in report.transfers if t.coin is None and t.payer.key.raw == key)
        if out != holding.amount:
            return f"{holding.party.name} escrows {holding.amount} but {out} leaves the contract"
    sent = sorted(t.coin for t in report.transfers if t.coin is not None)
    held = sorted(c for a in escrow.values() for c in a.coins)
    if sent != held:
        return f"coins escrowed {held} but coins leaving {sent}"
    return None


# ---------------------------------------------------------------------------------------------
# Public functions


def requirements(contract: Contract) -> tuple[Allocation, ...]:
    """What each party must escrow at signing: the most it pays on any path (bet stakes
    included) and every coin it sends on some path. Sorted by key; parties with nothing to
    escrow are left out. A payer that is not a party of the contract is listed too (the
    analysis reports it, and offers with one are refused)."""
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"expected a Contract, got {type(contract).__name__}")
    analyzer = _Analyzer(contract, contract.delta, None)
    summary = analyzer.visit(contract.terms, None, None, contract.created, 0)
    needs, too_big = _requirements(analyzer, summary)
    if too_big:
        raise InvalidArgument(
            f"{', '.join(too_big)} would escrow more than the largest amount, 2**63 - 1"
        )
    return needs


def _requirements(
    analyzer: _Analyzer, summary: _Summary
) -> tuple[tuple[Allocation, ...], list[str]]:
    """The requirements (amounts beyond the encoding capped at its largest value) and the
    names of the parties whose amount was capped."""
    named = {p.key.raw: p for p in analyzer.contract.parties}
    coins = analyzer.coins_sent()
    keys = sorted(set(summary.out) | set(coins))
    out: list[Allocation] = []
    too_big: list[str] = []
    for key in keys:
        amount = summary.out.get(key, (0, None))[0]
        held = tuple(sorted(coins.get(key, ())))
        party = named.get(key, analyzer.parties[key])
        if amount >= INT_LIMIT:
            too_big.append(party.name)
            analyzer.find(
                Check.AMOUNT_OVERFLOW,
                summary.out[key][1],
                f"{party.name} would escrow {amount}, beyond the largest amount 2**63 - 1",
            )
            amount = INT_LIMIT - 1
        if amount or held:
            out.append(Allocation(party, amount, held))
    return tuple(out), too_big


def analyze(
    contract: Contract,
    *,
    delta: int | None = None,
    escrow: Iterable[Allocation] | None = None,
    horizon: int | None = None,
    max_steps: int | None = None,
    max_paths: int = DEFAULT_MAX_PATHS,
) -> Report:
    """Prove or refute the safety properties of ``contract`` over every path.

    ``delta`` overrides the contract's Δ; ``escrow`` checks the paths against given escrow
    instead of :func:`requirements` (the parties' own requirements by default); ``horizon``
    reports waits ending more than that many seconds after ``created`` as waits without a
    deadline; ``max_steps`` reports a step bound above it; ``max_paths`` bounds the listing
    (never the checks). Raises :class:`InvalidArgument` on bad arguments.
    """
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"expected a Contract, got {type(contract).__name__}")
    delta = contract.delta if delta is None else delta
    for name, value in (("delta", delta), ("horizon", horizon), ("max_steps", max_steps)):
        if value is not None and (type(value) is not int or value < 0):
            raise InvalidArgument(f"{name} must be a non-negative integer, got {value!r}")
    if type(max_paths) is not int or max_paths < 0:
        raise InvalidArgument(f"max_paths must be a non-negative integer, got {max_paths!r}")
    analyzer = _Analyzer(contract, delta, horizon)
    summary = analyzer.visit(contract.terms, None, None, contract.created, 0)
    needs, _ = _requirements(analyzer, summary)
    members = {p.key.raw for p in contract.parties}
    held = _escrow(escrow, needs, members)
    _check_money(analyzer, summary, held, members)
    if max_steps is not None and summary.steps[0] > max_steps:
        analyzer.find(
            Check.TOO_MANY_STEPS,
            summary.steps[1],
            f"a run can take {summary.steps[0]} steps, more than the limit of {max_steps}",
        )
    listed = [_replay(events, held) for events in _paths(contract.terms, max_paths, [0])]
    for path in listed:
        problem = _conserved(path, held)
        if problem is not None:  # pragma: no cover - would mean the replay itself is wrong
            analyzer.findings.append(Finding(Check.NOT_CONSERVED, path.steps, problem))
    coins_sent = analyzer.coins_sent()
    exposures = tuple(
        Exposure(
            analyzer.parties[key],
            max(0, summary.net.get(key, (0, None))[0]),
            tuple(sorted(coins_sent.get(key, ()))),
            _flatten(summary.net[key][1]) if summary.net.get(key, (0, None))[0] > 0 else (),
        )
        for key in sorted(analyzer.parties)
    )
    order = {check: i for i, check in enumerate(Check)}
    findings = sorted(analyzer.findings, key=lambda f: (order[f.check], f.path, f.message))
    return Report(
        contract=contract.id,
        delta=delta,
        requirements=needs,
        escrow=tuple(held[k] for k in sorted(held)),
        exposures=exposures,
        max_steps=summary.steps[0],
        ends_by=max(summary.latest, contract.created),
        waits=analyzer.waits,
        path_count=summary.count,
        paths=tuple(listed),
        findings=tuple(dict.fromkeys(findings)),
    )


def _escrow(
    given: Iterable[Allocation] | None, needs: tuple[Allocation, ...], members: set[bytes]
) -> dict[bytes, Allocation]:
    if given is None:
        return {a.party.key.raw: a for a in needs if a.party.key.raw in members}
    held: dict[bytes, Allocation] = {}
    for a in given:
        if not isinstance(a, Allocation):
            raise InvalidArgument(f"escrow holds Allocation values, got {type(a).__name__}")
        if a.party.key.raw in held:
            raise InvalidArgument(f"escrow names {a.party.name} twice")
        if type(a.amount) is not int or a.amount < 0:
            raise InvalidArgument(f"escrow of {a.party.name} must be a non-negative integer")
        held[a.party.key.raw] = a
    return held


def _check_money(
    analyzer: _Analyzer,
    summary: _Summary,
    held: Mapping[bytes, Allocation],
    members: set[bytes],
) -> None:
    for key, (paid, trail) in sorted(summary.out.items()):
        have = held[key].amount if key in held else 0
        if paid > have:
            name = analyzer.parties[key].name
            why = (
                "but is not a party, so escrows nothing"
                if key not in members
                else f"but escrows {have}"
            )
            analyzer.find(
                Check.NEGATIVE_BALANCE,
                trail,
                f"{name} pays {paid} in all on this path {why}: its balance would reach"
                f" {have - paid}",
            )
    for coin, sites in sorted(analyzer.owners.items()):
        owners = dict.fromkeys(owner for owner, _ in sites)
        if len(owners) > 1:
            names = " and ".join(analyzer.parties[o].name for o in owners)
            analyzer.find(
                Check.NOT_CONSERVED,
                sites[-1][1],
                f"coin {coin} is sent by {names}: only one can own it",
            )
        for owner, trail in sites:
            holding = held.get(owner)
            if holding is None or coin not in holding.coins:
                name = analyzer.parties[owner].name
                why = "is not a party" if owner not in members else "does not escrow it"
                analyzer.find(
                    Check.NEGATIVE_BALANCE,
                    trail,
                    f"{name} sends coin {coin} but {why}",
                )
