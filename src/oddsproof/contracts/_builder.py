"""A small fluent builder, so that a contract reads like the idea it encodes.

The seed contract of the essay, ``Alice -> { if (Bob -> { this, #Y } : Y = F(X)) then
Alice -> { send(coin3423, Bob) } }``, is one expression::

    Alice.offers(when(Bob.supplies(F(X)), by=deadline).then(Alice.sends("coin3423", to=Bob)))

and "Bob bets 100 to Alice's 1 that F(X) = Y" is another::

    Bob.offers(Bob.bets(100, to=1, against=Alice, that=F(X).equals(Y), by=deadline),
               arbiters=[Judge])

``F = Function(computation)`` makes a computation callable on an input id; ``F(X)`` names the
application, ``F(X).equals(Y)`` the statement "F(X) = Y" at the computation's precision.
``Alice = Role(alice)`` (a :class:`Party`, or an :class:`Identity` that can also sign) gives the
verbs. Every builder returns the plain terms of :mod:`._terms`; nothing here is encoded.

``F(X) == Y`` is deliberately not the spelling of a statement: an ``__eq__`` returning a
statement would be truthy in every ``if`` and ``assert`` and breaks the typing of ``==``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

import attrs

from oddsproof.errors import InvalidArgument
from oddsproof.wire import Canonical, Digest, Domain, Identity, Party, PublicKey, Signed

from ._claims import Claim, Computation, Statement, TraceCommitment
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
    fresh_nonce,
)

T = TypeVar("T", bound=Canonical)


def _digest(value: object, what: str) -> Digest:
    if not isinstance(value, Digest):
        raise InvalidArgument(f"{what} is the Digest (id) of a value, got {type(value).__name__}")
    return value


@attrs.frozen
class Application:
    """F(X): a computation applied to an input id. Say what it equals with :meth:`equals`."""

    computation: Computation = attrs.field(validator=attrs.validators.instance_of(Computation))
    input: Digest = attrs.field(validator=attrs.validators.instance_of(Digest))

    def equals(self, output: Digest) -> Statement:
        """The statement "F(X) = Y" for output id ``Y``, at the computation's precision."""
        return Statement(
            self.computation.id,
            self.input,
            _digest(output, "an output"),
            self.computation.precision,
        )


@attrs.frozen
class Function:
    """A computation F made callable: ``F(X)`` is the :class:`Application` to input id X."""

    computation: Computation = attrs.field(validator=attrs.validators.instance_of(Computation))

    def __call__(self, input_id: Digest) -> Application:
        return Application(self.computation, _digest(input_id, "an input"))


def _party(who: Role | Party | Identity) -> Party:
    if isinstance(who, Role | Identity):
        return who.party
    if isinstance(who, Party):
        return who
    raise InvalidArgument(f"expected a Role, Party or Identity, got {type(who).__name__}")


@attrs.frozen
class Role:
    """A party with the verbs of the contract language; with an identity it can also sign."""

    party: Party = attrs.field(converter=_party)
    identity: Identity | None = attrs.field(default=None)

    @classmethod
    def of(cls, who: Role | Party | Identity) -> Role:
        """The role of a party, or of an identity (which can then sign)."""
        if isinstance(who, Role):
            return who
        return cls(who, who if isinstance(who, Identity) else None)

    @property
    def name(self) -> str:
        """The party's name."""
        return self.party.name

    def supplies(self, application: Application) -> Supplies:
        """The condition "this party supplies Y with Y = F(X)", met by its signed claim."""
        if not isinstance(application, Application):
            raise InvalidArgument("supplies takes F(X), an Application")
        return Supplies(self.party, application.computation.id, application.input)

    def pays(self, amount: int, *, to: Role | Party | Identity) -> Pay:
        """Pay ``amount`` out of this party's escrow to ``to``."""
        return Pay(self.party, _party(to), amount)

    def sends(self, coin: str, *, to: Role | Party | Identity) -> Send:
        """Hand the named coin, escrowed by this party, to ``to``."""
        return Send(coin, self.party, _party(to))

    def bets(
        self,
        stake: int,
        *,
        to: int,
        against: Role | Party | Identity,
        that: Statement,
        by: int,
    ) -> Bet:
        """Bet ``stake`` to ``against``'s ``to`` that the statement holds, settled by a final
        ruling before ``by`` (both stakes refunded otherwise)."""
        if not isinstance(that, Statement):
            raise InvalidArgument("a bet is on a Statement: F(X).equals(Y)")
        return Bet(self.party, _party(against), that, stake, to, by)

    def offers(
        self,
        terms: Term | Wait,
        *,
        arbiters: Iterable[Role | Party | Identity] = (),
        beacon: PublicKey | Role | Party | Identity | None = None,
        delta: int = 0,
        created: int = 0,
        nonce: bytes | None = None,
    ) -> Contract:
        """The contract this party offers: its parties are this one, then everyone the terms
        name, in reading order."""
        body = build(terms)
        unique: dict[PublicKey, Party] = {}
        for p in (self.party, *_named(body)):
            unique.setdefault(p.key, p)
        key = beacon if isinstance(beacon, PublicKey) or beacon is None else _party(beacon).key
        return Contract(
            tuple(unique.values()),
            body,
            arbiters=tuple(_party(a) for a in arbiters),
            beacon=key,
            delta=delta,
            created=created,
            nonce=fresh_nonce() if nonce is None else nonce,
        )

    def claims(
        self,
        statement: Statement,
        *,
        offer: Contract | Signed[Contract] | Digest,
        now: int,
        trace: TraceCommitment | None = None,
    ) -> Claim:
        """This party's claim that the statement holds, answering ``offer``; sign it with
        :meth:`sign`."""
        if not isinstance(statement, Statement):
            raise InvalidArgument("a claim asserts a Statement: F(X).equals(Y)")
        offer_id = offer if isinstance(offer, Digest) else offer.id
        return Claim(
            offer_id,
            self.party,
            statement.computation,
            statement.input,
            statement.output,
            statement.precision,
            trace,
            now,
        )

    def sign(self, body: T, domain: Domain) -> Signed[T]:
        """Sign ``body`` in ``domain`` (needs the role's identity)."""
        return Signed.create(body, domain, self._identity())

    def cosign(self, envelope: Signed[T]) -> Signed[T]:
        """Add this role's signature to an envelope others signed."""
        return envelope.cosign(self._identity())

    def _identity(self) -> Identity:
        if self.identity is None:
            raise InvalidArgument(
                f"{self.name} has no identity to sign with: use Role.of(identity)"
            )
        return self.identity


def roles(*who: Role | Party | Identity) -> tuple[Role, ...]:
    """Roles for several parties at once: ``Alice, Bob = roles(alice, bob)``."""
    return tuple(Role.of(w) for w in who)


@attrs.frozen
class Wait:
    """A :class:`When` being built: ``when(c, by=t).then(x).or_when(c2).then(y).otherwise(z)``.

    Wherever a term is expected a finished ``Wait`` is accepted (``otherwise`` then closes).
    """

    deadline: int
    cases: tuple[Case, ...] = ()
    pending: Condition | None = None

    def then(self, term: Term | Wait) -> Wait:
        """What follows when the pending condition is met."""
        if self.pending is None:
            raise InvalidArgument("then() follows when(condition) or or_when(condition)")
        return Wait(self.deadline, (*self.cases, Case(self.pending, build(term))))

    def or_when(self, condition: Condition) -> Wait:
        """Another case of the same wait, tried after the ones before it."""
        if self.pending is not None:
            raise InvalidArgument("or_when() follows then()")
        return Wait(self.deadline, self.cases, _condition(condition))

    def otherwise(self, term: Term | Wait) -> When:
        """What follows at the deadline when no case was met; finishes the wait."""
        if self.pending is not None or not self.cases:
            raise InvalidArgument("otherwise() follows then()")
        return When(self.cases, self.deadline, build(term))

    def build(self) -> When:
        """The finished wait, closing at the deadline."""
        return self.otherwise(Close())


def _condition(value: object) -> Condition:
    if not isinstance(value, Condition):
        raise InvalidArgument(f"expected a condition, got {type(value).__name__}")
    return value


def when(condition: Condition, *, by: int) -> Wait:
    """Wait for ``condition`` until the deadline ``by`` (exclusive): every wait has one."""
    return Wait(by, (), _condition(condition))


def build(term: Term | Wait) -> Term:
    """The term a builder value stands for."""
    if isinstance(term, Wait):
        return term.build()
    if isinstance(term, Term):
        return term
    raise InvalidArgument(f"expected a term, got {type(term).__name__}")


def _nest(pair: type[Both | Seq], name: str, terms: tuple[Term | Wait, ...]) -> Term:
    """``terms`` folded from the right into nested ``pair`` nodes."""
    if len(terms) < 2:
        raise InvalidArgument(f"{name}() takes two terms or more")
    built = [build(t) for t in terms]
    result = built[-1]
    for term in reversed(built[:-1]):
        result = pair(term, result)
    return result


def both(*terms: Term | Wait) -> Term:
    """All ``terms`` side by side (nested :class:`Both`)."""
    return _nest(Both, "both", terms)


def seq(*terms: Term | Wait) -> Term:
    """The ``terms`` one after the other (nested :class:`Seq`)."""
    return _nest(Seq, "seq", terms)


def upheld(statement: Statement | Digest | None = None) -> Verdict:
    """The condition "a final ruling upheld the statement" (default: the claim's)."""
    return Verdict(_statement_id(statement), True)


def failed(statement: Statement | Digest | None = None) -> Verdict:
    """The condition "a final ruling failed the statement" (default: the claim's)."""
    return Verdict(_statement_id(statement), False)


def _statement_id(statement: Statement | Digest | None) -> Digest | None:
    if statement is None or isinstance(statement, Digest):
        return statement
    if isinstance(statement, Statement):
        return statement.id
    raise InvalidArgument(f"expected a Statement, got {type(statement).__name__}")


def agreed(*who: Role | Party | Identity) -> Agreed:
    """The condition "these parties co-signed a settlement of this contract"."""
    return Agreed(tuple(_party(w) for w in who))


def _named(term: Term) -> Iterator[Party]:
    """Every party a term names, in reading order."""
    if isinstance(term, Pay):
        yield from (term.payer, term.payee)
    elif isinstance(term, Send):
        yield from (term.owner, term.to)
    elif isinstance(term, Bet):
        yield from (term.backer, term.layer)
    elif isinstance(term, When):
        for case in term.cases:
            yield from _condition_parties(case.condition)
            yield from _named(case.then)
        yield from _named(term.otherwise)
    elif isinstance(term, Both):
        yield from _named(term.left)
        yield from _named(term.right)
    elif isinstance(term, Seq):
        yield from _named(term.first)
        yield from _named(term.then)


def _condition_parties(condition: Condition) -> Iterator[Party]:
    if isinstance(condition, Supplies):
        yield condition.party
    elif isinstance(condition, Agreed):
        yield from condition.parties
    elif isinstance(condition, Verdict | Lottery):
        return
