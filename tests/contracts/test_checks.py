"""A third party checks claims and coin chains without recomputing anything, and gets a typed
reason for each way they can be wrong."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oddsproof.contracts import (
    Both,
    Case,
    CheckReason,
    Claim,
    Computation,
    Contract,
    Pay,
    Provenance,
    Send,
    Shape,
    Supplies,
    TraceCommitment,
    When,
    check_chain,
    check_claim,
    check_offer,
    payers,
)
from oddsproof.errors import Refused
from oddsproof.ledger import Transfer
from oddsproof.wire import Domain, Signature, Signed, tagged_hash
from tests.strategies import IDENTITIES

ALICE, BOB, CHARLIE, DAVE = IDENTITIES[:4]
DOMAIN = Domain("oddsproof-test")
T0 = 1000
RAY = Computation("ray", "1", tagged_hash("t", b"ray code"), Shape.PARALLEL, 64, 24)
CHAIN = Computation("chain", "1", tagged_hash("t", b"chain code"), Shape.SERIAL, 1000, 0)
X = tagged_hash("t", b"scene")
Y = tagged_hash("t", b"image")


def offer(computation: Computation = RAY) -> Contract:
    supplies = Supplies(BOB.party, computation.id, X)
    paid = Both(Send("coin3423", ALICE.party, BOB.party), Pay(ALICE.party, BOB.party, 3))
    return Contract(
        (ALICE.party, BOB.party),
        When((Case(supplies, paid),), T0 + 3600),
        created=T0,
        nonce=bytes(16),
    )


def claim_for(c: Contract, of: Computation = RAY, **changes: object) -> Claim:
    trace = TraceCommitment(tagged_hash("t", b"root"), 1000, 10) if of is CHAIN else None
    claim = Claim(c.id, BOB.party, of.id, X, Y, of.precision, trace, T0 + 5)
    return attrs.evolve(claim, **changes)


SIGNED_OFFER = Signed.create(offer(), DOMAIN, ALICE)
GOOD = Signed.create(claim_for(offer()), DOMAIN, BOB)


def test_an_honest_claim_checks() -> None:
    assert check_claim(GOOD, SIGNED_OFFER, DOMAIN, now=T0 + 10) == GOOD.body
    assert check_claim(GOOD, SIGNED_OFFER, DOMAIN, now=T0 + 10, computation=RAY) == GOOD.body
    assert payers(offer()) == (ALICE.party,)
    assert check_offer(SIGNED_OFFER, DOMAIN) == offer()


def _flip(envelope: Signed[Claim]) -> Signed[Claim]:
    sig = envelope.signatures[0]
    return Signed(envelope.body, envelope.domain, (Signature(sig.signer, bytes(64)),))


Tamper = Callable[[], tuple[Signed[Claim], Signed[Contract], int]]
TAMPERED: dict[CheckReason, Tamper] = {
    CheckReason.WRONG_DOMAIN: lambda: (
        Signed.create(GOOD.body, Domain("other"), BOB),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.BAD_SIGNATURE: lambda: (_flip(GOOD), SIGNED_OFFER, T0 + 10),
    CheckReason.WRONG_SIGNER: lambda: (
        Signed.create(GOOD.body, DOMAIN, CHARLIE),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.WRONG_OFFER: lambda: (
        Signed.create(claim_for(offer(), offer=tagged_hash("t", b"x")), DOMAIN, BOB),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.OFFER_NOT_SIGNED: lambda: (GOOD, Signed.create(offer(), DOMAIN, BOB), T0 + 10),
    CheckReason.NOT_A_SUPPLIER: lambda: (
        Signed.create(claim_for(offer(), claimant=CHARLIE.party), DOMAIN, CHARLIE),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.COMPUTATION_MISMATCH: lambda: (
        Signed.create(claim_for(offer(), computation=CHAIN.id), DOMAIN, BOB),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.INPUT_MISMATCH: lambda: (
        Signed.create(claim_for(offer(), input=Y), DOMAIN, BOB),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.ISSUED_BEFORE_OFFER: lambda: (
        Signed.create(claim_for(offer(), issued=T0 - 1), DOMAIN, BOB),
        SIGNED_OFFER,
        T0 + 10,
    ),
    CheckReason.ISSUED_IN_FUTURE: lambda: (GOOD, SIGNED_OFFER, T0 + 4),
    CheckReason.EXPIRED: lambda: (GOOD, SIGNED_OFFER, T0 + 3600),
}


@pytest.mark.parametrize("reason", list(TAMPERED), ids=lambda r: r.value)
def test_each_tampered_field_gives_its_reason(reason: CheckReason) -> None:
    claim, signed_offer, now = TAMPERED[reason]()
    with pytest.raises(Refused) as rejected:
        check_claim(claim, signed_offer, DOMAIN, now=now)
    assert rejected.value.reason is reason
    assert reason.value in str(rejected.value)


def test_a_claim_already_used_is_refused() -> None:
    with pytest.raises(Refused) as rejected:
        check_claim(GOOD, SIGNED_OFFER, DOMAIN, now=T0 + 10, claimed={GOOD.id})
    assert rejected.value.reason is CheckReason.ALREADY_CLAIMED


def test_the_offer_itself_must_verify() -> None:
    with pytest.raises(Refused) as refused:
        check_offer(Signed.create(offer(), Domain("other"), ALICE), DOMAIN)
    assert refused.value.reason is CheckReason.WRONG_DOMAIN
    with pytest.raises(Refused) as rejected:
        check_claim(GOOD, Signed.create(GOOD.body, DOMAIN, BOB), DOMAIN, now=T0 + 10)  # type: ignore[arg-type]
    assert rejected.value.reason is CheckReason.UNSUPPORTED_EVIDENCE


@pytest.mark.parametrize(
    ("computation", "changes", "reason"),
    [
        (RAY, {"precision": 16}, CheckReason.PRECISION_MISMATCH),
        (
            RAY,
            {"trace": TraceCommitment(tagged_hash("t", b"r"), 64, 8)},
            CheckReason.TRACE_MISMATCH,
        ),
        (CHAIN, {"trace": None}, CheckReason.TRACE_MISMATCH),
        (
            CHAIN,
            {"trace": TraceCommitment(tagged_hash("t", b"r"), 999, 1)},
            CheckReason.TRACE_MISMATCH,
        ),
    ],
)
def test_the_computation_pins_precision_and_trace(
    computation: Computation, changes: dict[str, object], reason: CheckReason
) -> None:
    c = offer(computation)
    signed_offer = Signed.create(c, DOMAIN, ALICE)
    honest = Signed.create(claim_for(c, computation), DOMAIN, BOB)
    assert check_claim(honest, signed_offer, DOMAIN, now=T0 + 10, computation=computation)
    bad = Signed.create(claim_for(c, computation, **changes), DOMAIN, BOB)
    with pytest.raises(Refused) as rejected:
        check_claim(bad, signed_offer, DOMAIN, now=T0 + 10, computation=computation)
    assert rejected.value.reason is reason
    with pytest.raises(Refused) as rejected:
        check_claim(
            honest,
            signed_offer,
            DOMAIN,
            now=T0 + 10,
            computation=CHAIN if computation is RAY else RAY,
        )
    assert rejected.value.reason is CheckReason.COMPUTATION_MISMATCH


@settings(max_examples=60)
@given(
    st.sampled_from(["computation", "input", "offer", "claimant", "output"]),
    st.binary(min_size=32, max_size=32),
)
def test_any_changed_field_is_caught_or_harmless(field: str, raw: bytes) -> None:
    """Changing what the claim binds either is refused for the matching reason, or (for the
    output, which the offer cannot know) yields a different claim that still checks."""
    from oddsproof.wire import Digest  # noqa: PLC0415

    value: object = CHARLIE.party if field == "claimant" else Digest(raw)
    changed = claim_for(offer(), **{field: value})
    signer = CHARLIE if field == "claimant" else BOB
    envelope = Signed.create(changed, DOMAIN, signer)
    expected = {
        "computation": CheckReason.COMPUTATION_MISMATCH,
        "input": CheckReason.INPUT_MISMATCH,
        "offer": CheckReason.WRONG_OFFER,
        "claimant": CheckReason.NOT_A_SUPPLIER,
    }
    if field == "output":
        assert check_claim(envelope, SIGNED_OFFER, DOMAIN, now=T0 + 10).id != GOOD.id
        return
    with pytest.raises(Refused) as rejected:
        check_claim(envelope, SIGNED_OFFER, DOMAIN, now=T0 + 10)
    assert rejected.value.reason is expected[field]
    # The signature still binds the original: grafting it onto the changed body fails.
    graft = Signed(changed, DOMAIN, GOOD.signatures)
    with pytest.raises(Refused) as grafted:
        check_claim(graft, SIGNED_OFFER, DOMAIN, now=T0 + 10)
    assert grafted.value.reason is CheckReason.BAD_SIGNATURE


# ---------------------------------------------------------------------------------------------
# Chains


def link(
    payer: object,
    payee: object,
    *,
    coin: str = "coin3423",
    condition: object = "claim",
    signer: object = None,
    domain: Domain = DOMAIN,
) -> Signed[Transfer]:
    cond = GOOD.id if condition == "claim" else condition
    body = Transfer(payer.party, payee.party, 0, coin, cond)  # type: ignore[attr-defined, arg-type]
    return Signed.create(body, domain, signer or payer)  # type: ignore[arg-type]


def test_a_coin_passed_on_twice_is_traced_to_its_holder() -> None:
    links = [link(BOB, CHARLIE), link(CHARLIE, DAVE, condition=None)]
    proof = check_chain(SIGNED_OFFER, GOOD, links, DOMAIN, coin="coin3423", now=T0 + 10)
    assert proof == Provenance("coin3423", offer().id, GOOD.id, DAVE.party, 2)
    assert proof.condition == GOOD.id
    alone = check_chain(SIGNED_OFFER, GOOD, [], DOMAIN, coin="coin3423", now=T0 + 10)
    assert alone.holder == BOB.party


@pytest.mark.parametrize(
    ("links", "coin", "reason"),
    [
        ([], "coin9999", CheckReason.WRONG_COIN),
        ([link(BOB, CHARLIE, coin="other")], "coin3423", CheckReason.WRONG_COIN),
        ([link(CHARLIE, DAVE)], "coin3423", CheckReason.BROKEN_CHAIN),
        ([link(BOB, CHARLIE), link(BOB, DAVE)], "coin3423", CheckReason.BROKEN_CHAIN),
        ([link(BOB, CHARLIE, signer=CHARLIE)], "coin3423", CheckReason.WRONG_SIGNER),
        ([link(BOB, CHARLIE, domain=Domain("other"))], "coin3423", CheckReason.WRONG_DOMAIN),
        (
            [link(BOB, CHARLIE, condition=tagged_hash("t", b"other claim"))],
            "coin3423",
            CheckReason.WRONG_CONDITION,
        ),
        ([Signed.create(offer(), DOMAIN, BOB)], "coin3423", CheckReason.UNSUPPORTED_EVIDENCE),
    ],
)
def test_a_broken_chain_gives_its_reason(
    links: list[Signed[Transfer]], coin: str, reason: CheckReason
) -> None:
    with pytest.raises(Refused) as rejected:
        check_chain(SIGNED_OFFER, GOOD, links, DOMAIN, coin=coin, now=T0 + 10)
    assert rejected.value.reason is reason


def test_a_forged_link_signature_is_refused() -> None:
    good = link(BOB, CHARLIE)
    forged = Signed(good.body, DOMAIN, (Signature(BOB.key, bytes(64)),))
    with pytest.raises(Refused) as rejected:
        check_chain(SIGNED_OFFER, GOOD, [forged], DOMAIN, coin="coin3423", now=T0 + 10)
    assert rejected.value.reason is CheckReason.BAD_SIGNATURE


def test_a_chain_needs_a_valid_claim_first() -> None:
    with pytest.raises(Refused) as rejected:
        check_chain(
            SIGNED_OFFER, GOOD, [link(BOB, CHARLIE)], DOMAIN, coin="coin3423", now=T0 + 3600
        )
    assert rejected.value.reason is CheckReason.EXPIRED


def test_now_must_be_a_time() -> None:
    with pytest.raises(Refused):
        check_claim(GOOD, SIGNED_OFFER, DOMAIN, now=-1)
