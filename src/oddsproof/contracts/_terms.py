"""The contract language: terms, conditions, contracts and the transfers they produce.

A contract is a tree of terms, in the spirit of Marlowe but about computations:

* :class:`Pay` moves an amount from the payer's escrow in this contract to the payee;
  :class:`Send` hands over a named coin the owner escrowed.
* :class:`When` waits for one of its cases until a mandatory deadline, then continues with
  ``otherwise``. A :class:`Case` pairs a condition with the term that follows it.
* Conditions: :class:`Supplies` (a party supplies Y with Y = F(X): a signed claim),
  :class:`Verdict` (a final ruling upheld or failed a statement), :class:`Lottery` (a beacon
  round's randomness falls below a threshold) and :class:`Agreed` (the named parties co-signed
  a settlement; a settlement signed by every party also overrides any pending condition).
* :class:`Bet` is an odds bet: backer and layer both escrow their stakes; a final ruling pays the
  winner, the deadline refunds both.
* :class:`Both` runs two terms side by side, :class:`Seq` one after the other, and
  :class:`Close` ends a branch; when the whole contract has closed, unspent escrow is refunded.

A :class:`Contract` adds the parties, the arbiters whose final rulings count, the beacon whose
rounds count, and Δ, the least gap between nested deadlines. What the terms *mean* (the step
function) and what they *guarantee* (static analysis) are defined over these objects.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

import attrs

from oddsproof.errors import EncodingError, InvalidArgument
from oddsproof.errors import _validators as v
from oddsproof.ledger._entries import _coin_id
from oddsproof.wire import Canonical, Digest, Party, PublicKey, canonical
from oddsproof.wire._hashing import DIGEST_SIZE

from ._claims import Statement
from ._ladder import Ladder

MAX_CASES: Final = 64
MAX_PARTIES: Final = 64
NONCE_SIZE: Final = 16

_party = attrs.validators.instance_of(Party)
_digest = attrs.validators.instance_of(Digest)


def _distinct_parties(limit: int, *, minimum: int) -> Callable[[Any, Any, Any], None]:
    def check(_inst: object, attr: attrs.Attribute[object], value: Any) -> None:
        if not isinstance(value, tuple) or not minimum <= len(value) <= limit:
            raise InvalidArgument(f"{attr.name} holds {minimum} to {limit} parties")
        if not all(isinstance(p, Party) for p in value):
            raise InvalidArgument(f"{attr.name} holds Party values")
        keys = [p.key.raw for p in value]
        if len(set(keys)) != len(keys):
            raise InvalidArgument(f"{attr.name} names a key twice")

    return check


class Term(Canonical):
    """Base of every contract term."""


class Condition(Canonical):
    """Base of every condition a :class:`Case` waits for."""


_term = attrs.validators.instance_of(Term)
_condition = attrs.validators.instance_of(Condition)


@canonical("pay")
@attrs.frozen
class Pay(Term):
    """``payer`` pays ``amount`` to ``payee`` out of the payer's escrow in this contract."""

    payer: Party = attrs.field(validator=_party)
    payee: Party = attrs.field(validator=_party)
    amount: int = attrs.field(validator=v.positive)


@canonical("send")
@attrs.frozen
class Send(Term):
    """``owner`` hands the named coin ``coin``, escrowed at signing, to ``to``."""

    coin: str = attrs.field(validator=_coin_id)
    owner: Party = attrs.field(validator=_party)
    to: Party = attrs.field(validator=_party)


@canonical("close")
@attrs.frozen
class Close(Term):
    """The end of a branch. When every branch has closed, unspent escrow is refunded."""


@canonical("case")
@attrs.frozen
class Case(Canonical):
    """A condition and the term that follows when evidence satisfies it."""

    condition: Condition = attrs.field(validator=_condition)
    then: Term = attrs.field(validator=_term)


def _cases(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_CASES:
        raise InvalidArgument(f"a When holds 1 to {MAX_CASES} cases")
    if not all(isinstance(c, Case) for c in value):
        raise InvalidArgument("a When holds Case values")


@canonical("when")
@attrs.frozen
class When(Term):
    """Wait for the first case whose condition is met, until ``deadline`` (exclusive).

    At or after the deadline, with no case taken, the contract continues with ``otherwise``.
    """

    cases: tuple[Case, ...] = attrs.field(validator=_cases)
    deadline: int = attrs.field(validator=v.amount)
    otherwise: Term = attrs.field(factory=Close, validator=_term)


@canonical("both")
@attrs.frozen
class Both(Term):
    """Two terms that run side by side; the pair closes when both have."""

    left: Term = attrs.field(validator=_term)
    right: Term = attrs.field(validator=_term)


@canonical("seq")
@attrs.frozen
class Seq(Term):
    """Run ``first`` until it closes, then ``then``."""

    first: Term = attrs.field(validator=_term)
    then: Term = attrs.field(validator=_term)


@canonical("bet")
@attrs.frozen
class Bet(Term):
    """An odds bet: ``backer`` stakes ``backer_stake`` to ``layer``'s ``layer_stake`` that the
    statement holds.

    Both stakes are escrowed at signing. A final ruling that upholds the statement pays the
    layer's stake to the backer; one that fails it pays the backer's stake to the layer; at the
    deadline with no final ruling both stakes are refunded. "Bob bets 100 to Alice's 1 that
    F(X) = Y" is ``Bet(bob, alice, statement, 100, 1, deadline)``.
    """

    backer: Party = attrs.field(validator=_party)
    layer: Party = attrs.field(validator=_party)
    statement: Statement = attrs.field(validator=attrs.validators.instance_of(Statement))
    backer_stake: int = attrs.field(validator=v.positive)
    layer_stake: int = attrs.field(validator=v.positive)
    deadline: int = attrs.field(validator=v.amount)

    @layer.validator
    def _distinct(self, _attr: object, value: Party) -> None:
        if (
            isinstance(self.backer, Party)
            and isinstance(value, Party)
            and self.backer.key == value.key
        ):
            raise InvalidArgument("a bet needs two different parties")

    @property
    def odds(self) -> Fraction:
        """Backer's stake over layer's stake: 100 for "100 to 1"."""
        return Fraction(self.backer_stake, self.layer_stake)


@canonical("supplies")
@attrs.frozen
class Supplies(Condition):
    """Met by a claim, signed by ``party`` and bound to this contract, that F(X) = some Y."""

    party: Party = attrs.field(validator=_party)
    computation: Digest = attrs.field(validator=_digest)
    input: Digest = attrs.field(validator=_digest)


@canonical("verdict")
@attrs.frozen
class Verdict(Condition):
    """Met by a final ruling, from one of the contract's arbiters, with this outcome.

    ``statement`` names the statement ruled on; ``None`` means the statement of the claim that
    met an earlier :class:`Supplies` condition of this contract.
    """

    statement: Digest | None = attrs.field(validator=attrs.validators.optional(_digest))
    upheld: bool = attrs.field(validator=attrs.validators.instance_of(bool))


def _threshold(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != DIGEST_SIZE:
        raise InvalidArgument(f"a lottery threshold is {DIGEST_SIZE} big-endian bytes")


@canonical("lottery")
@attrs.frozen
class Lottery(Condition):
    """Met by the contract's beacon's round ``round`` when its randomness, read as a 256-bit
    big-endian number, is below ``threshold``. Use :func:`lottery` to build one from a
    probability."""

    round: int = attrs.field(validator=v.amount)
    threshold: bytes = attrs.field(validator=_threshold)

    @property
    def probability(self) -> Fraction:
        """The exact chance that a uniform round meets this condition."""
        return Fraction(int.from_bytes(self.threshold, "big"), 1 << 256)


@canonical("agreed")
@attrs.frozen
class Agreed(Condition):
    """Met by a settlement of this contract co-signed by every party in ``parties``."""

    parties: tuple[Party, ...] = attrs.field(validator=_distinct_parties(MAX_PARTIES, minimum=1))


def lottery(round_number: int, probability: Fraction) -> Lottery:
    """A lottery condition a uniform round meets with probability ``floor(p * 2**256) / 2**256``."""
    if not isinstance(probability, Fraction | int) or not 0 <= probability <= 1:
        raise EncodingError(f"a probability lies in [0, 1], got {probability!r}")
    numerator = min(int(Fraction(probability) * (1 << 256)), (1 << 256) - 1)
    return Lottery(round_number, numerator.to_bytes(DIGEST_SIZE, "big"))


def _nonce(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, bytes) or len(value) != NONCE_SIZE:
        raise InvalidArgument(f"a contract nonce is {NONCE_SIZE} bytes")


def fresh_nonce() -> bytes:
    """A random contract nonce, so that two identical offers have different ids."""
    return os.urandom(NONCE_SIZE)


@canonical("contract")
@attrs.frozen
class Contract(Canonical):
    """An offer: the terms, who is bound by them, and whose word settles disputes.

    ``arbiters`` lists the ladder of arbiters from first to final; only their final rulings meet
    :class:`Verdict` conditions. ``beacon`` is the key whose rounds meet :class:`Lottery`
    conditions. ``delta`` is the least gap Δ between a nested deadline and its parent's.
    ``created`` is the time of the offer; ``nonce`` makes identical offers distinct.
    ``ladder``, when set, is the arbitration ladder disputes climb (its arbiters are then
    exactly ``arbiters``, in order): levels, fees, bonds and time windows named in advance.
    """

    parties: tuple[Party, ...] = attrs.field(validator=_distinct_parties(MAX_PARTIES, minimum=1))
    terms: Term = attrs.field(validator=_term)
    arbiters: tuple[Party, ...] = attrs.field(
        default=(), validator=_distinct_parties(MAX_PARTIES, minimum=0)
    )
    beacon: PublicKey | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(PublicKey))
    )
    delta: int = attrs.field(default=0, validator=v.amount)
    created: int = attrs.field(default=0, validator=v.amount)
    nonce: bytes = attrs.field(factory=fresh_nonce, validator=_nonce)
    ladder: Ladder | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Ladder))
    )

    @ladder.validator
    def _ladder_arbiters(self, _attr: object, value: Ladder | None) -> None:
        if value is None or not isinstance(self.arbiters, tuple):
            return
        if value.arbiters != self.arbiters:
            raise InvalidArgument("a contract's arbiters must be its ladder's arbiters, in order")

    def party(self, key: PublicKey) -> Party | None:
        """The party of this contract holding ``key``, if any."""
        for party in self.parties:
            if party.key == key:
                return party
        return None
