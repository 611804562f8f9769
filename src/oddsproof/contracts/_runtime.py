"""Contracts running against a ledger: open an offer, feed it evidence, settle it.

:class:`Runtime` joins the pure semantics (:func:`start`, :func:`step`) to a :class:`Ledger`.
Opening an offer checks it and locks every party's requirement in one :class:`EscrowLock`
(escrow before promise); each step's transfers become :class:`Payout` entries (conditional
ones create holdings); the offer, the evidence and every state are stored by id, and a head
``contract/<id>`` names the current state. Each call is one ledger transaction, so a crash
leaves either the old state and none of the step's entries, or the new state and all of them.

Entry refs are derived from the state a step starts from, the evidence and the time, so
repeating a call that already committed is a no-op: the ledger's exactly-once journal returns
the original receipts and the head already points past it.
"""

from __future__ import annotations

from typing import Final

from oddsproof.errors import InvalidArgument, NotFound
from oddsproof.ledger import EscrowLock, Ledger, Payout, Stake
from oddsproof.wire import Digest, Domain, Party, PublicKey, Signed, tagged_hash
from oddsproof.wire._identity import _key_of

from ._analysis import requirements
from ._claims import Claim
from ._evidence import BeaconRound, Ruling, Settlement
from ._semantics import ContractState, Evidence, Step, start, step
from ._terms import Contract

REF_TAG: Final = "oddsproof/runtime-ref/v1"
HEAD_PREFIX: Final = "contract/"


def _ref(*parts: bytes) -> bytes:
    return tagged_hash(REF_TAG, *parts).raw


def _head(contract: Digest) -> str:
    return HEAD_PREFIX + contract.hex()


class Runtime:
    """Run signed offers on a ledger within one domain.

    >>> runtime = Runtime(ledger, domain)
    >>> runtime.open(offer, now=0)                 # checks, locks escrow, runs immediate terms
    >>> runtime.submit(offer.id, claim, now=60)    # a step with evidence; pays what it pays
    >>> runtime.advance(offer.id, now=3_600)       # time passes: deadlines fire, refunds at close
    """

    def __init__(self, ledger: Ledger, domain: Domain) -> None:
        if not isinstance(ledger, Ledger) or not isinstance(domain, Domain):
            raise InvalidArgument("a Runtime needs a Ledger and a Domain")
        self.ledger = ledger
        self.domain = domain

    def open(self, offer: Signed[Contract], *, now: int) -> Step:
        """Check ``offer`` against the ledger's balances, lock its escrow, take the first step.

        Refused with :class:`Refused` (nothing locked) if the offer is badly signed,
        unsound, or a party lacks funds; opening an offer already open returns its current
        state and changes nothing.
        """
        if not isinstance(offer, Signed) or not isinstance(offer.body, Contract):
            raise InvalidArgument("open takes a signed Contract")
        contract = offer.body
        existing = self.ledger.head(_head(contract.id))
        if existing is not None:
            return Step(self._load_state(existing))
        needs = requirements(contract)
        balances = {p: self.ledger.balance(p.key) for p in contract.parties}
        coins = {
            coin: record.owner
            for need in needs
            for coin in need.coins
            if (record := self.ledger.coin(coin)) is not None
        }
        first = start(offer, domain=self.domain, balances=balances, coins=coins, now=now)
        stakes = tuple(Stake(n.party.key, n.amount, tuple(sorted(n.coins))) for n in needs)
        with self.ledger.transaction():
            if stakes:
                self.ledger.apply(EscrowLock(contract.id, stakes, _ref(b"open", contract.id.raw)))
            self.ledger.put(offer)
            self._commit(contract, first, _ref(b"begin", contract.id.raw))
        return first

    def submit(self, contract: Digest, evidence: Evidence, *, now: int) -> Step:
        """Offer ``evidence`` (a signed claim, ruling or settlement, or a beacon round) at ``now``.

        The step is applied whether or not the evidence was used (time passes either way);
        :attr:`Step.rejected` says why evidence was not used.
        """
        if not isinstance(evidence, Signed | BeaconRound):
            raise InvalidArgument("evidence is a signed claim, ruling or settlement, or a round")
        if isinstance(evidence, Signed) and not isinstance(
            evidence.body, Claim | Ruling | Settlement
        ):
            raise InvalidArgument(f"a signed {evidence.body.KIND} is not evidence")
        return self._step(contract, evidence, now)

    def advance(self, contract: Digest, *, now: int) -> Step:
        """Let time pass to ``now``: deadlines fire, and a closed contract refunds its escrow."""
        return self._step(contract, None, now)

    def state(self, contract: Digest) -> ContractState:
        """The current state of an open contract."""
        state_id = self.ledger.head(_head(contract))
        if state_id is None:
            raise NotFound(f"contract {contract} is not open on this ledger")
        return self._load_state(state_id)

    def contract(self, contract: Digest) -> Contract:
        """The terms of an open contract."""
        offer = self.ledger.get(contract, Signed)
        if offer is None or not isinstance(offer.body, Contract):
            raise NotFound(f"contract {contract} is not open on this ledger")
        return offer.body

    def claims(self, contract: Digest) -> tuple[Digest, ...]:
        """Ids of the claims the contract has accepted, in order."""
        return tuple(claim for claim, _ in self.state(contract).claims)

    def escrowed(self, contract: Digest, party: Party | PublicKey) -> int:
        """What ``party`` still has in the contract's escrow, according to the ledger."""
        return self.ledger.escrow(contract, _key_of(party))

    def _step(self, contract_id: Digest, evidence: Evidence | None, now: int) -> Step:
        contract = self.contract(contract_id)
        state = self.state(contract_id)
        result = step(contract, state, evidence, now=now, domain=self.domain)
        marker = evidence.id.raw if evidence is not None else b"time"
        with self.ledger.transaction():
            if evidence is not None and result.accepted:
                self.ledger.put(evidence)
            self._commit(contract, result, _ref(state.id.raw, marker, now.to_bytes(8, "big")))
        return result

    def _commit(self, contract: Contract, result: Step, ref: bytes) -> None:
        for index, transfer in enumerate(result.transfers):
            entry = Payout(contract.id, transfer, _ref(ref, index.to_bytes(4, "big")))
            self.ledger.apply(entry)
        self.ledger.put(result.state)
        self.ledger.set_head(_head(contract.id), result.state.id)

    def _load_state(self, state_id: Digest) -> ContractState:
        state = self.ledger.get(state_id, ContractState)
        if state is None:  # pragma: no cover - the head and the object are written together
            raise NotFound(f"state {state_id} is missing from the store")
        return state
