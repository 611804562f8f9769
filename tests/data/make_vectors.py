"""Generate ``tests/data/vectors.json``: known-answer vectors for every registered object kind.

Every vector is built from fixed seeds and fixed values (no clock, no randomness), and Ed25519
signatures are deterministic, so the file is a pure function of the encoding rules. The tests
(``tests/contracts/test_vectors.py``) decode each vector, re-encode it, recompute its id and
verify its signatures against the pinned bytes, and refuse a registered kind without a vector.

Regenerate (and review the diff: an existing vector changes only when the encoding deliberately
does)::

    .venv/bin/python tests/data/make_vectors.py          # rewrite vectors.json
    .venv/bin/python tests/data/make_vectors.py --check  # exit 1 if vectors.json is stale

To add a kind: write a builder (no arguments, returns the object) and list it under the kind's
class in ``EXAMPLES``. To pin a signed envelope, add one line to ``SIGNED``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import cbor2

import oddsproof.arbitration  # importing each layer registers the kinds it defines
import oddsproof.games  # noqa: F401
from oddsproof.arbitration import (
    BondKind,
    CourtCase,
    Dispute,
    DisputeState,
    Phase,
    PostedBond,
    Side,
    Stage,
)
from oddsproof.contracts import (
    Agreed,
    Allocation,
    BeaconRound,
    Bet,
    Both,
    Case,
    Caution,
    CheckReason,
    Claim,
    Claimed,
    Close,
    Computation,
    Contract,
    ContractState,
    Ladder,
    Level,
    Lottery,
    Pay,
    Ruling,
    Send,
    Seq,
    Settlement,
    Shape,
    Statement,
    Step,
    StepWarning,
    Supplies,
    TraceCommitment,
    Verdict,
    When,
    beacon_message,
    lottery,
)
from oddsproof.games import (
    BeaconScheme,
    BeaconSpec,
    BisectionChallenge,
    BisectionSetup,
    BisectionTranscript,
    Challenge,
    ExternalRound,
    FraudProof,
    InclusionProof,
    LotteryAccount,
    MultiProof,
    Opening,
    OutputCommitment,
    PickMove,
    RevealMove,
    SplitMove,
    SpotCheckCertificate,
    SpotCheckOutcome,
    StepCommitment,
    Ticket,
    TicketBatch,
    UnlockRequest,
    WinningTicket,
)
from oddsproof.games.lowlevel import batch_tree, win_threshold
from oddsproof.ledger import (
    BondForfeit,
    BondPost,
    BondRelease,
    Burn,
    CoinMint,
    CoinMove,
    Correction,
    EscrowLock,
    Holding,
    HoldingPass,
    Mint,
    Move,
    Payout,
    Refund,
    ResolveCondition,
    Stake,
    Transfer,
)
from oddsproof.markets import BetOrder, BetSide, BetTerms, OrderCancel
from oddsproof.wire import (
    Canonical,
    Digest,
    Domain,
    Identity,
    Party,
    Signature,
    Signed,
    registered_kinds,
)

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "vectors.json"
SKIPPED_PREFIX = "bench-"
"""Kinds registered by benchmarks only are not protocol objects and need no vector."""


def _identity(name: str) -> Identity:
    return Identity.from_seed(
        name, hashlib.sha256(b"oddsproof/vector-seed/" + name.encode()).digest()
    )


def digest(label: str) -> Digest:
    """A fixed digest, independent of the library's own hashing."""
    return Digest(hashlib.sha256(label.encode()).digest())


ALICE = _identity("alice")
BOB = _identity("bob")
CAROL = _identity("carol")
ARBITER = _identity("arbiter")
BEACON = _identity("beacon")
NONCE = bytes(range(16))
TEST_DOMAIN = Domain("oddsproof-test")
OTHER_DOMAIN = Domain("ledger-7", 3)


# --- contracts: identities, domains, signatures -------------------------------------------


def party_alice() -> Party:
    return ALICE.party


def party_unicode_name() -> Party:
    return Party("Zoë Ω", BOB.key)  # multi-byte UTF-8 in a text field


def domain_default() -> Domain:
    return TEST_DOMAIN


def domain_largest_protocol() -> Domain:
    return Domain("x", (1 << 63) - 1)  # the widest integer the encoding allows


def signature_alone() -> Signature:
    return Signature(ALICE.key, ALICE.sign_digest(digest("signed message")))


def _computation_parallel() -> Computation:
    return Computation("ray", "1", digest("ray code"), Shape.PARALLEL, 1920 * 1080, 24)


# --- contracts: claims -----------------------------------------------------------------------


def computation_parallel() -> Computation:
    return _computation_parallel()


def computation_serial_params() -> Computation:
    params = cbor2.dumps({"seed": 7, "steps": 1_000_000}, canonical=True)
    return Computation("hash-chain", "2.0", digest("chain code"), Shape.SERIAL, 1 << 40, 0, params)


def statement() -> Statement:
    return Statement(_computation_parallel().id, digest("input"), digest("output"), 24)


def trace_commitment() -> TraceCommitment:
    return TraceCommitment(digest("trace root"), 1_000_000, 1000)


def claim_parallel() -> Claim:
    comp = _computation_parallel()
    return Claim(
        digest("offer"), BOB.party, comp.id, digest("input"), digest("output"), 24, None, 0
    )


def claim_serial() -> Claim:
    return Claim(
        digest("offer"),
        BOB.party,
        digest("chain computation"),
        digest("seed 0"),
        digest("final state"),
        0,
        trace_commitment(),
        1_700_000_000,
    )


# --- contracts: evidence ---------------------------------------------------------------------


def ruling_minimal() -> Ruling:
    return Ruling(statement().id, False, None, None, digest("transcript"), 0, False, 0)


def ruling_final() -> Ruling:
    return Ruling(
        statement().id,
        True,
        claim_parallel().id,
        contract_full().id,
        digest("certificate"),
        2,
        True,
        1_700_000_500,
    )


def beacon_round() -> BeaconRound:
    return BeaconRound(BEACON.key, 42, BEACON.sign_digest(beacon_message(BEACON.key, 42)))


def allocation_amount() -> Allocation:
    return Allocation(ALICE.party, 0)


def allocation_coins() -> Allocation:
    return Allocation(BOB.party, 1_000, ("coin-1", "coin-2"))


def settlement() -> Settlement:
    shares = sorted(
        (Allocation(ALICE.party, 60), Allocation(BOB.party, 40, ("coin-1",))),
        key=lambda a: a.party.key.raw,
    )
    return Settlement(contract_full().id, 1, tuple(shares))


# --- contracts: terms ------------------------------------------------------------------------


def pay() -> Pay:
    return Pay(ALICE.party, BOB.party, 100)


def send() -> Send:
    return Send("coin-1", ALICE.party, BOB.party)


def close() -> Close:
    return Close()


def supplies() -> Supplies:
    return Supplies(BOB.party, _computation_parallel().id, digest("input"))


def verdict_of_claim() -> Verdict:
    return Verdict(None, True)


def verdict_of_statement() -> Verdict:
    return Verdict(statement().id, False)


def lottery_half() -> Lottery:
    return lottery(7, Fraction(1, 2))


def lottery_never() -> Lottery:
    return lottery(0, Fraction(0))


def agreed() -> Agreed:
    return Agreed((ALICE.party, BOB.party))


def case() -> Case:
    return Case(supplies(), pay())


def when_default_otherwise() -> When:
    return When((case(),), 3600)


def when_two_cases() -> When:
    return When((case(), Case(agreed(), Close())), 7200, Pay(BOB.party, ALICE.party, 5))


def both() -> Both:
    return Both(pay(), send())


def seq() -> Seq:
    return Seq(pay(), Close())


def bet() -> Bet:
    return Bet(BOB.party, ALICE.party, statement(), 100, 1, 86_400)


def contract_minimal() -> Contract:
    return Contract((ALICE.party,), Close(), nonce=NONCE)


def contract_full() -> Contract:
    terms = When(
        (Case(supplies(), Seq(pay(), Bet(BOB.party, ALICE.party, statement(), 100, 1, 7200))),),
        3600,
        Close(),
    )
    return Contract(
        (ALICE.party, BOB.party),
        terms,
        arbiters=(ARBITER.party, CAROL.party),
        beacon=BEACON.key,
        delta=60,
        created=1_700_000_000,
        nonce=NONCE,
    )


def contract_with_ladder() -> Contract:
    return attrs.evolve(contract_full(), ladder=ladder_two_levels())


def transfer_amount() -> Transfer:
    return Transfer(ALICE.party, BOB.party, 100)


def transfer_conditional_coin() -> Transfer:
    return Transfer(BOB.party, CAROL.party, 0, "coin-1", claim_parallel().id)


# --- contracts: semantics (runtime state of a contract) ---------------------------------------


def claimed() -> Claimed:
    return Claimed(claim_parallel().id, statement().id, seq())


def contract_state() -> ContractState:
    escrow = sorted(
        (Allocation(ALICE.party, 100), Allocation(BOB.party, 1, ("coin-1",))),
        key=lambda a: a.party.key.raw,
    )
    return ContractState(
        contract_full().id,
        Both(claimed(), bet()),
        tuple(escrow),
        ((claim_parallel().id, statement().id),),
        2,
        1_700_000_100,
    )


def contract_state_closed() -> ContractState:
    return ContractState(contract_minimal().id, Close())


def step_warning() -> StepWarning:
    return StepWarning(Caution.PARTIAL_PAY, "alice owes 100 to bob with 60 escrowed")


def contract_step() -> Step:
    moves = (transfer_amount(), transfer_conditional_coin())
    return Step(contract_state(), moves, (step_warning(),), None, 1, 1)


def contract_step_rejected() -> Step:
    return Step(contract_state_closed(), (), (), CheckReason.CONTRACT_CLOSED, 0, 0)


# --- contracts: ledger entries ----------------------------------------------------------------


def ledger_mint() -> Mint:
    return Mint(ALICE.key, 1_000, b"mint-1")


def ledger_mint_largest() -> Mint:
    return Mint(BOB.key, (1 << 63) - 1, bytes(64))  # the widest amount and the longest ref


def ledger_burn() -> Burn:
    return Burn(ALICE.key, 5, b"burn-1")


def ledger_move() -> Move:
    return Move(ALICE.key, BOB.key, 250, b"move-1")


def ledger_coin_mint() -> CoinMint:
    return CoinMint("coin-1", ALICE.key, 0, b"coin-mint-1")


def ledger_coin_move() -> CoinMove:
    return CoinMove("coin-1", ALICE.key, BOB.key, b"coin-move-1")


def ledger_stake_amount() -> Stake:
    return Stake(ALICE.key, 100)


def ledger_stake_coins() -> Stake:
    return Stake(BOB.key, 0, ("coin-1", "coin-2"))


def ledger_escrow_lock() -> EscrowLock:
    stakes = sorted(
        (Stake(ALICE.key, 100), Stake(BOB.key, 1, ("coin-1",))), key=lambda s: s.party.raw
    )
    return EscrowLock(contract_full().id, tuple(stakes), b"lock-1")


def ledger_payout() -> Payout:
    return Payout(contract_full().id, transfer_amount(), b"payout-1")


def ledger_payout_conditional() -> Payout:
    transfer = Transfer(ALICE.party, BOB.party, 100, None, claim_parallel().id)
    return Payout(contract_full().id, transfer, b"payout-2")


def ledger_payout_conditional_coin() -> Payout:
    return Payout(contract_full().id, transfer_conditional_coin(), b"payout-3")


def ledger_refund() -> Refund:
    return Refund(contract_full().id, b"refund-1")


def ledger_bond_post() -> BondPost:
    return BondPost(BOB.key, 500, claim_parallel().id, b"bond-1")


def ledger_bond_release() -> BondRelease:
    return BondRelease(ledger_bond_post().id, b"release-1")


def ledger_bond_forfeit_split() -> BondForfeit:
    return BondForfeit(ledger_bond_post().id, 400, 100, ALICE.key, b"forfeit-1")


def ledger_bond_forfeit_all_burned() -> BondForfeit:
    return BondForfeit(ledger_bond_post().id, 500, 0, None, b"forfeit-2")


def ledger_holding_pass() -> HoldingPass:
    root = ledger_holding_root().id
    return HoldingPass(root, BOB.key, CAROL.key, 60, digest("carol's claim"), b"pass-1")


def ledger_resolve_condition() -> ResolveCondition:
    return ResolveCondition(claim_parallel().id, False, b"resolve-1")


def ledger_correction() -> Correction:
    return Correction(ledger_move().id, "wrong payee", b"correction-1")


def ledger_holding_root() -> Holding:
    conditions = (claim_parallel().id,)
    payout = ledger_payout_conditional()
    return Holding(payout.id, BOB.key, 100, None, conditions, payout.contract, ALICE.key, None, 0)


def ledger_holding_passed() -> Holding:
    conditions = tuple(sorted((claim_parallel().id, digest("carol's claim")), key=lambda d: d.raw))
    root = ledger_holding_root().id
    return Holding(ledger_holding_pass().id, CAROL.key, 60, None, conditions, None, None, root, 1)


# --- games: bisection -------------------------------------------------------------------------


def _bisection_setup() -> BisectionSetup:
    claim = Signed.create(claim_serial(), TEST_DOMAIN, BOB)
    return BisectionSetup(claim, ALICE.party, 4, 3600, 3600, 600, 60, 1_700_000_100, 1_700_010_000)


def bisection_setup() -> BisectionSetup:
    return _bisection_setup()


def bisection_challenge() -> BisectionChallenge:
    game = _bisection_setup().id
    return BisectionChallenge(game, game, 0, 1_700_000_160)


def bisection_split() -> SplitMove:
    game = _bisection_setup().id
    points = (0, 250_000, 500_000, 750_000, 1_000_000)
    hashes = tuple(digest(f"state {p}") for p in points)
    proof = MultiProof((0, 250, 500, 750, 1000), 1001, (digest("sibling 1"), digest("sibling 2")))
    return SplitMove(
        game, bisection_challenge().id, 1, 1_700_000_200, 0, 1_000_000, points, hashes, proof
    )


def bisection_split_inside_segment() -> SplitMove:
    game = _bisection_setup().id
    points = (1000, 1001, 1002)
    hashes = tuple(digest(f"state {p}") for p in points)
    return SplitMove(
        game, digest("previous move"), 9, 1_700_000_900, 1000, 1002, points, hashes, None
    )


def bisection_pick() -> PickMove:
    game = _bisection_setup().id
    return PickMove(game, bisection_split().id, 1, 1_700_000_260, 250_000, 500_000)


def bisection_reveal() -> RevealMove:
    game = _bisection_setup().id
    return RevealMove(
        game, digest("previous move"), 10, 1_700_001_000, 1001, "|u1", (32,), bytes(range(32))
    )


def bisection_transcript() -> BisectionTranscript:
    moves = (
        Signed.create(bisection_challenge(), TEST_DOMAIN, ALICE),
        Signed.create(bisection_split(), TEST_DOMAIN, BOB),
    )
    return BisectionTranscript(_bisection_setup(), moves)


# --- games: Merkle proofs and spot checks -----------------------------------------------------


def merkle_inclusion_proof() -> InclusionProof:
    return InclusionProof(5, 11, (digest("leaf 4"), digest("nodes 6-7"), digest("nodes 0-3")))


def merkle_multi_proof() -> MultiProof:
    return MultiProof((2, 3, 9), 23, (digest("nodes 0-1"), digest("leaf 8"), digest("rest")))


def spot_commitment() -> OutputCommitment:
    """A 1920 × 1080 render, three float64 colours per pixel, 64 pixels per leaf."""
    return OutputCommitment(digest("image root"), 1920 * 1080, 64, 24, 24)


def _spot_claim() -> Signed[Claim]:
    comp = _computation_parallel()
    claim = Claim(
        digest("offer"), BOB.party, comp.id, digest("input"), spot_commitment().id, 24, None, 7
    )
    return Signed.create(claim, TEST_DOMAIN, BOB)


def spot_challenge_nonce() -> Challenge:
    return Challenge(_spot_claim().id, (1, 10**9), (1, 100), 2062, bytes(range(32)), None)


def spot_challenge_beacon() -> Challenge:
    return Challenge(_spot_claim().id, (1, 1000), (1, 10), 66, None, beacon_round())


def spot_opening() -> Opening:
    proof = MultiProof((5, 9), 32_400, (digest("leaf 4"), digest("leaf 8"), digest("rest")))
    return Opening(_spot_claim().id, (b"\x00" * 24 * 64, b"\x01" * 24 * 64), proof)


def _small_challenge() -> Challenge:
    return Challenge(_spot_claim().id, (1, 1000), (1, 2), 10, bytes(range(32, 64)), None)


def _spot_certificate(outcome: SpotCheckOutcome) -> SpotCheckCertificate:
    claim = _spot_claim()
    challenge = _small_challenge()
    indices = challenge.indices(spot_commitment())
    wrong = outcome is SpotCheckOutcome.WRONG_VALUE
    return SpotCheckCertificate(
        claim=claim.id,
        statement=claim.body.statement.id,
        commitment=spot_commitment(),
        challenge=challenge,
        verifier=CAROL.party,
        seed=challenge.seed,
        indices=indices,
        outcome=outcome,
        failed_index=indices[3] if wrong else None,
        fraud_proof=spot_fraud_proof().id if wrong else None,
        reason=f"piece {indices[3]} differs from its recomputation" if wrong else "",
        issued=1_700_000_300,
    )


def spot_certificate_pass() -> SpotCheckCertificate:
    return _spot_certificate(SpotCheckOutcome.PASS)


def spot_certificate_wrong_value() -> SpotCheckCertificate:
    return _spot_certificate(SpotCheckOutcome.WRONG_VALUE)


def spot_fraud_proof() -> FraudProof:
    commitment = spot_commitment()
    piece = _small_challenge().indices(commitment)[3]
    leaf = commitment.leaf_of(piece)
    path = tuple(digest(f"sibling {level}") for level in range(15))
    chunk = bytes(i % 251 for i in range(commitment.leaf_size(leaf)))
    return FraudProof(
        _spot_claim(), commitment, piece, chunk, InclusionProof(leaf, commitment.leaves, path)
    )


# --- games: lottery tickets and beacons ---------------------------------------------------


def beacon_spec_ed25519() -> BeaconSpec:
    return BeaconSpec(BeaconScheme.ED25519, BEACON.key, None, 1_700_000_000, 30)


def beacon_spec_external() -> BeaconSpec:
    return BeaconSpec(BeaconScheme.EXTERNAL, None, "ethereum-mainnet/block-hash", 1_606_824_023, 12)


def external_round() -> ExternalRound:
    return ExternalRound(beacon_spec_external().id, 21_000_000, bytes(range(32)))


def lottery_account() -> LotteryAccount:
    return LotteryAccount(
        ALICE.party, beacon_spec_ed25519(), 3, 86_400, (ARBITER.party,), 1_700_000_000, NONCE
    )


def step_commitment() -> StepCommitment:
    return StepCommitment(
        digest("training job"),
        4_095,
        1,
        digest("state 4095"),
        digest("seed 4095"),
        digest("state 4096"),
    )


def _lottery_ticket(nonce: int) -> Ticket:
    return Ticket(
        account=lottery_account().id,
        sender=ALICE.key,
        recipient=BOB.key,
        face_value=1_000,
        threshold=win_threshold(Fraction(1, 1000)),
        round=42,
        seen_round=39,
        nonce=nonce,
        expiry=1_700_003_600,
        step=step_commitment(),
    )


def lottery_ticket() -> Ticket:
    return _lottery_ticket(7)


def _ticket_tree() -> tuple[list[Ticket], TicketBatch]:
    tickets = [_lottery_ticket(n) for n in range(5, 10)]
    tree = batch_tree(tickets)
    return tickets, TicketBatch(lottery_account().id, BOB.party, tree.root, len(tickets))


def ticket_batch() -> TicketBatch:
    return _ticket_tree()[1]


def winning_ticket() -> WinningTicket:
    tickets, batch = _ticket_tree()
    signed = Signed.create(batch, TEST_DOMAIN, ALICE, BOB)
    return WinningTicket(tickets[2], signed, batch_tree(tickets).prove(2))


def lottery_unlock() -> UnlockRequest:
    return UnlockRequest(lottery_account().id, 1_700_086_400)


# --- arbitration: ladder, disputes, court ------------------------------------------------------


def ladder_level() -> Level:
    return Level(ARBITER.party, 10, 100, 7200)


def ladder_one_level() -> Ladder:
    return Ladder((Level(ARBITER.party, 0, 1, 181),), delta=60)


def ladder_two_levels() -> Ladder:
    levels = (Level(ARBITER.party, 0, 100, 7200), Level(CAROL.party, 10, 200, 86_400))
    return Ladder(levels, growth=(3, 2), premium=(2, 1), burn=(1, 3), delta=600)


def _dispute() -> Dispute:
    claim = Signed.create(claim_serial(), TEST_DOMAIN, BOB)
    return Dispute(claim, ALICE.party, ladder_two_levels(), 1_700_000_100, 1_700_100_000)


def dispute() -> Dispute:
    return _dispute()


def posted_bond() -> PostedBond:
    return PostedBond(digest("bond-1"), Side.CHALLENGER, 0, BondKind.STAKE, 100)


def dispute_state_opened() -> DisputeState:
    bonds = (posted_bond(),)
    return DisputeState(_dispute().id, Phase.DEFENCE, 0, 1_700_000_100, 100, bonds=bonds)


def dispute_state_decided() -> DisputeState:
    bonds = (
        posted_bond(),
        PostedBond(digest("bond-2"), Side.CLAIMANT, 0, BondKind.STAKE, 100),
        PostedBond(digest("bond-3"), Side.CHALLENGER, 1, BondKind.FEE, 10, closed=True),
    )
    return DisputeState(
        _dispute().id,
        Phase.DECIDED,
        1,
        1_700_010_000,
        200,
        leading=True,
        rulings=(digest("ruling-0"),),
        evidence=digest("transcript"),
        bonds=bonds,
        outcome=False,
        certifier=1,
        basis=digest("state-before"),
        time=1_700_010_000,
    )


def court_case() -> CourtCase:
    claim = Signed.create(claim_serial(), TEST_DOMAIN, BOB)
    bond, dispute_id = digest("claim-bond"), _dispute().id
    return CourtCase(claim, Stage.DISPUTED, 1_700_003_600, bond, dispute_id, None, 1_700_000_100)


def bet_terms() -> BetTerms:
    return BetTerms(statement(), (ARBITER.party,), 1_700_003_600, 600, 1_700_086_400)


def bet_order_back() -> BetOrder:
    return BetOrder(
        bet_terms().id,
        BOB.party,
        BetSide.BACK,
        (100, 1),
        300,
        1_700_000_000,
        1_700_003_600,
        bytes(range(16)),
    )


def bet_order_lay() -> BetOrder:
    return BetOrder(
        bet_terms().id,
        ALICE.party,
        BetSide.LAY,
        (3, 2),
        2,
        1_700_000_060,
        1_700_000_660,
        bytes(16),
    )


def bet_cancel() -> OrderCancel:
    return OrderCancel(bet_order_back().id, 1_700_000_120)


Builder = Callable[[], Canonical]

EXAMPLES: dict[type[Canonical], list[Builder]] = {
    Party: [party_alice, party_unicode_name],
    Domain: [domain_default, domain_largest_protocol],
    Signature: [signature_alone],
    Computation: [computation_parallel, computation_serial_params],
    Statement: [statement],
    TraceCommitment: [trace_commitment],
    Claim: [claim_parallel, claim_serial],
    Ruling: [ruling_minimal, ruling_final],
    BeaconRound: [beacon_round],
    Allocation: [allocation_amount, allocation_coins],
    Settlement: [settlement],
    Pay: [pay],
    Send: [send],
    Close: [close],
    Case: [case],
    When: [when_default_otherwise, when_two_cases],
    Both: [both],
    Seq: [seq],
    Bet: [bet],
    Supplies: [supplies],
    Verdict: [verdict_of_claim, verdict_of_statement],
    Lottery: [lottery_half, lottery_never],
    Agreed: [agreed],
    Contract: [contract_minimal, contract_full, contract_with_ladder],
    Transfer: [transfer_amount, transfer_conditional_coin],
    Claimed: [claimed],
    ContractState: [contract_state, contract_state_closed],
    StepWarning: [step_warning],
    Step: [contract_step, contract_step_rejected],
    Mint: [ledger_mint, ledger_mint_largest],
    Burn: [ledger_burn],
    Move: [ledger_move],
    CoinMint: [ledger_coin_mint],
    CoinMove: [ledger_coin_move],
    Stake: [ledger_stake_amount, ledger_stake_coins],
    EscrowLock: [ledger_escrow_lock],
    Payout: [ledger_payout, ledger_payout_conditional, ledger_payout_conditional_coin],
    Refund: [ledger_refund],
    BondPost: [ledger_bond_post],
    BondRelease: [ledger_bond_release],
    BondForfeit: [ledger_bond_forfeit_split, ledger_bond_forfeit_all_burned],
    HoldingPass: [ledger_holding_pass],
    ResolveCondition: [ledger_resolve_condition],
    Correction: [ledger_correction],
    Holding: [ledger_holding_root, ledger_holding_passed],
    BisectionSetup: [bisection_setup],
    BisectionChallenge: [bisection_challenge],
    SplitMove: [bisection_split, bisection_split_inside_segment],
    PickMove: [bisection_pick],
    RevealMove: [bisection_reveal],
    BisectionTranscript: [bisection_transcript],
    InclusionProof: [merkle_inclusion_proof],
    MultiProof: [merkle_multi_proof],
    OutputCommitment: [spot_commitment],
    Challenge: [spot_challenge_nonce, spot_challenge_beacon],
    Opening: [spot_opening],
    SpotCheckCertificate: [spot_certificate_pass, spot_certificate_wrong_value],
    FraudProof: [spot_fraud_proof],
    BetTerms: [bet_terms],
    BetOrder: [bet_order_back, bet_order_lay],
    OrderCancel: [bet_cancel],
    BeaconSpec: [beacon_spec_ed25519, beacon_spec_external],
    ExternalRound: [external_round],
    LotteryAccount: [lottery_account],
    StepCommitment: [step_commitment],
    Ticket: [lottery_ticket],
    TicketBatch: [ticket_batch],
    WinningTicket: [winning_ticket],
    UnlockRequest: [lottery_unlock],
    Level: [ladder_level],
    Ladder: [ladder_one_level, ladder_two_levels],
    Dispute: [dispute],
    PostedBond: [posted_bond],
    DisputeState: [dispute_state_opened, dispute_state_decided],
    CourtCase: [court_case],
}
"""Unsigned examples, per kind. The vector's name is the builder's name."""

SIGNED: list[tuple[str, Builder, Domain, tuple[Identity, ...]]] = [
    ("signed_claim", claim_serial, TEST_DOMAIN, (BOB,)),
    ("signed_contract_two_parties", contract_full, TEST_DOMAIN, (ALICE, BOB)),
    ("signed_ruling_other_domain", ruling_final, OTHER_DOMAIN, (ARBITER,)),
    ("signed_settlement_three", settlement, TEST_DOMAIN, (ALICE, BOB, CAROL)),
    ("signed_bet_order", bet_order_back, TEST_DOMAIN, (BOB,)),
    ("signed_ticket_batch_sender_and_recipient", ticket_batch, TEST_DOMAIN, (ALICE, BOB)),
    ("signed_contract_with_ladder", contract_with_ladder, TEST_DOMAIN, (ALICE, BOB)),
]
"""Signed envelopes: name, body builder, domain, signers. Their kind is ``signed``."""


def _entry(name: str, obj: Canonical) -> dict[str, Any]:
    return {
        "name": name,
        "kind": obj.KIND,
        "version": obj.VERSION,
        "tag": obj.TAG,
        "hex": obj.encoded.hex(),
        "id": obj.id.hex(),
    }


def build() -> dict[str, Any]:
    """Every vector, as the JSON document written to ``vectors.json``."""
    vectors: list[dict[str, Any]] = []
    for cls, builders in EXAMPLES.items():
        for builder in builders:
            obj = builder()
            if type(obj) is not cls:
                raise TypeError(
                    f"{builder.__name__} builds {type(obj).__name__}, not {cls.__name__}"
                )
            vectors.append(_entry(builder.__name__, obj))
    for name, builder, domain, signers in SIGNED:
        envelope = Signed.create(builder(), domain, *signers)
        entry = _entry(name, envelope)
        entry["signed"] = {
            "body_kind": envelope.body.KIND,
            "body_hex": envelope.body.encoded.hex(),
            "network": domain.network,
            "protocol": domain.protocol,
            "signers": [key.hex() for key in envelope.signers],
        }
        vectors.append(entry)
    names = [v["name"] for v in vectors]
    if len(set(names)) != len(names):
        raise ValueError("vector names must be unique")
    return {
        "about": "Known-answer vectors; regenerate with `python tests/data/make_vectors.py`.",
        "vectors": vectors,
    }


def missing_kinds(document: dict[str, Any]) -> list[tuple[str, int]]:
    """Registered (kind, version) pairs that no vector in ``document`` covers."""
    covered = {(v["kind"], v["version"]) for v in document["vectors"]}
    return sorted(
        key
        for key in registered_kinds()
        if not key[0].startswith(SKIPPED_PREFIX) and key not in covered
    )


def render(document: dict[str, Any]) -> str:
    """The exact text of ``vectors.json``."""
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) ``vectors.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = OUTPUT.read_text(encoding="ascii") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="ascii")
    document = json.loads(text)
    missing = missing_kinds(document)
    print(f"wrote {OUTPUT} ({len(document['vectors'])} vectors)")
    if missing:
        print(f"warning: no vector for {missing}; add builders to EXAMPLES", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
