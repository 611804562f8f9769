"""Strategies for oddsproof's values: parties, ids, computations, claims, contracts, tickets,
bets, ladders and proofs.

Parties come from a small pool of fixed identities (:data:`IDENTITIES`: alice to frank) whose
secret keys are known, so that generated objects can be signed and examples shrink to readable
names. Every strategy takes keyword-only arguments, validated when it is drawn from.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from oddsproof.arbitration import with_ladder
from oddsproof.contracts import (
    FOREVER,
    Agreed,
    Allocation,
    BeaconRound,
    Bet,
    Both,
    Case,
    Claim,
    Claimed,
    Close,
    Computation,
    Condition,
    Contract,
    Ladder,
    Level,
    Pay,
    Ruling,
    Send,
    Seq,
    Settlement,
    Shape,
    Statement,
    Supplies,
    Term,
    TraceCommitment,
    Verdict,
    When,
    beacon_message,
    lottery,
)
from oddsproof.errors import InvalidArgument
from oddsproof.games import (
    BeaconScheme,
    BeaconSpec,
    InclusionProof,
    LotteryAccount,
    MerkleTree,
    MultiProof,
    StepCommitment,
    Ticket,
)
from oddsproof.games.lowlevel import win_threshold
from oddsproof.ledger import Transfer
from oddsproof.markets import BetOrder, BetSide, BetTerms
from oddsproof.wire import INT_LIMIT, Digest, Domain, Identity, Party, PublicKey, tagged_hash

from ._jobs import Job, default_jobs
from ._validation import check_bounds, check_int, check_optional_bool, check_sequence, check_type

NAMES = ("alice", "bob", "charlie", "dave", "erin", "frank")
IDENTITIES: tuple[Identity, ...] = tuple(
    Identity.from_seed(n, bytes([i + 1]) * 32) for i, n in enumerate(NAMES)
)
"""The pool of parties: alice, bob, charlie, dave, erin and frank, with fixed secret keys."""
ARBITER_IDENTITIES: tuple[Identity, ...] = tuple(
    Identity.from_seed(f"arbiter-{i}", bytes([0x60 + i]) * 32) for i in range(4)
)
"""Arbiters of generated ladders, level 0 first (distinct from the parties)."""
BEACON_IDENTITY = Identity.from_seed("beacon", b"\xbe" * 32)
"""The key of the beacon generated contracts and rounds name."""
SYBIL = Identity.from_seed("mallory", b"\x6d" * 32)
"""A party outside every generated contract, for adversaries that need a second identity."""

_KNOWN = {i.key.raw: i for i in (*IDENTITIES, *ARBITER_IDENTITIES, BEACON_IDENTITY, SYBIL)}


def identity_of(party: Party | PublicKey) -> Identity:
    """The identity (with its secret key) behind a party of the pool, an arbiter of the
    generated ladders, the beacon or the sybil; :class:`InvalidArgument` for anyone else."""
    check_type("party", party, (Party, PublicKey))
    key = party.key if isinstance(party, Party) else party
    found = _KNOWN.get(key.raw)
    if found is None:
        raise InvalidArgument(f"no identity of the strategies' pool holds {key.hex()[:16]}")
    return found


_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


@st.composite
def identities(draw: st.DrawFn) -> Identity:
    """An identity of the pool (alice to frank)."""
    return draw(st.sampled_from(IDENTITIES))


@st.composite
def parties(draw: st.DrawFn) -> Party:
    """A party of the pool (alice to frank)."""
    return draw(st.sampled_from(IDENTITIES)).party


@st.composite
def distinct_parties(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 4) -> tuple[Party, ...]:
    """Tuples of parties with distinct keys, from the pool."""
    check_int("min_size", min_size, min_value=0, max_value=len(IDENTITIES))
    check_int("max_size", max_size, min_value=0, max_value=len(IDENTITIES))
    check_bounds("min_size", min_size, "max_size", max_size)
    chosen = draw(
        st.lists(
            st.sampled_from(IDENTITIES),
            min_size=min_size,
            max_size=max_size,
            unique_by=lambda i: i.name,
        )
    )
    return tuple(i.party for i in chosen)


@st.composite
def digests(draw: st.DrawFn) -> Digest:
    """Arbitrary 32-byte digests."""
    return Digest(draw(st.binary(min_size=32, max_size=32)))


@st.composite
def amounts(draw: st.DrawFn, *, min_value: int = 0, max_value: int = INT_LIMIT - 1) -> int:
    """Amounts of money: integers in ``[min_value, max_value]``, within ``0 <= a < 2**63``."""
    check_int("min_value", min_value, min_value=0, max_value=INT_LIMIT - 1)
    check_int("max_value", max_value, min_value=0, max_value=INT_LIMIT - 1)
    check_bounds("min_value", min_value, "max_value", max_value)
    return draw(st.integers(min_value=min_value, max_value=max_value))


@st.composite
def times(draw: st.DrawFn, *, min_value: int = 0, max_value: int = 2**40) -> int:
    """Times in integer seconds, in ``[min_value, max_value]``."""
    check_int("min_value", min_value, min_value=0, max_value=INT_LIMIT - 1)
    check_int("max_value", max_value, min_value=0, max_value=INT_LIMIT - 1)
    check_bounds("min_value", min_value, "max_value", max_value)
    return draw(st.integers(min_value=min_value, max_value=max_value))


@st.composite
def inputs(draw: st.DrawFn, *, min_size: int = 0, max_size: int = 64) -> bytes:
    """Input bytes of a computation."""
    check_int("min_size", min_size, min_value=0)
    check_int("max_size", max_size, min_value=0)
    check_bounds("min_size", min_size, "max_size", max_size)
    return draw(st.binary(min_size=min_size, max_size=max_size))


@st.composite
def domains(draw: st.DrawFn) -> Domain:
    """Signing domains: a printable network name and a protocol version."""
    network = draw(st.text(alphabet=_printable, min_size=1, max_size=64))
    return Domain(network, draw(st.integers(min_value=1, max_value=INT_LIMIT - 1)))


@st.composite
def coin_ids(draw: st.DrawFn) -> str:
    """Names of coins."""
    return draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=16))


@st.composite
def computations(draw: st.DrawFn) -> Computation:
    """Computation specs (name, version, code hash, shape, size, precision)."""
    return Computation(
        draw(st.sampled_from(["ray", "matmul-chain", "hash-chain"])),
        draw(st.sampled_from(["1", "2.0"])),
        draw(digests()),
        draw(st.sampled_from(Shape)),
        draw(st.integers(min_value=1, max_value=2**40)),
        draw(st.integers(min_value=0, max_value=64)),
    )


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    """Statements "F(X) = Y" about arbitrary ids."""
    return Statement(draw(digests()), draw(digests()), draw(digests()), draw(st.integers(0, 64)))


@st.composite
def trace_commitments(draw: st.DrawFn) -> TraceCommitment:
    """Trace commitments: a root, T steps and a checkpoint interval dividing T."""
    interval = draw(st.integers(min_value=1, max_value=1024))
    steps = interval * draw(st.integers(min_value=1, max_value=1 << 20))
    return TraceCommitment(draw(digests()), steps, interval)


@st.composite
def claims(draw: st.DrawFn) -> Claim:
    """Claim bodies with arbitrary ids, parallel or serial (with a trace commitment)."""
    return Claim(
        draw(digests()),
        draw(parties()),
        draw(digests()),
        draw(digests()),
        draw(digests()),
        draw(st.integers(0, 64)),
        draw(st.none() | trace_commitments()),
        draw(times()),
    )


@st.composite
def rulings(draw: st.DrawFn) -> Ruling:
    """Ruling bodies with arbitrary ids, at levels 0 to 8, final or not."""
    return Ruling(
        draw(digests()),
        draw(st.booleans()),
        draw(st.none() | digests()),
        draw(st.none() | digests()),
        draw(digests()),
        draw(st.integers(0, 8)),
        draw(st.booleans()),
        draw(times()),
    )


def beacon_round(number: int, beacon: Identity = BEACON_IDENTITY) -> BeaconRound:
    """The genuine round ``number`` of a signing beacon."""
    return BeaconRound(beacon.key, number, beacon.sign_digest(beacon_message(beacon.key, number)))


@st.composite
def beacon_rounds(draw: st.DrawFn) -> BeaconRound:
    """Genuine rounds of the pool's beacon."""
    return beacon_round(draw(st.integers(min_value=0, max_value=2**32)))


@st.composite
def settlements(draw: st.DrawFn) -> Settlement:
    """Settlements of an arbitrary contract among one to four parties."""
    people = draw(distinct_parties(min_size=1, max_size=4))
    allocation = tuple(
        sorted(
            (Allocation(p, draw(st.integers(0, 10**6))) for p in people),
            key=lambda a: a.party.key.raw,
        )
    )
    return Settlement(draw(digests()), draw(st.integers(1, 1000)), allocation)


@st.composite
def transfers(draw: st.DrawFn) -> Transfer:
    """Transfers of an amount or a coin, conditional or not."""
    coin = draw(st.none() | coin_ids())
    amount = draw(st.integers(0, 10**6) if coin is not None else st.integers(1, 10_000))
    return Transfer(draw(parties()), draw(parties()), amount, coin, draw(st.none() | digests()))


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    """Any condition: supplies, verdict, lottery, agreement (arbitrary ids)."""
    return draw(
        st.one_of(
            st.builds(Supplies, party=parties(), computation=digests(), input=digests()),
            st.builds(Verdict, statement=st.none() | digests(), upheld=st.booleans()),
            st.builds(
                lottery,
                st.integers(0, 2**32),
                st.fractions(min_value=0, max_value=1, max_denominator=10**6).map(Fraction),
            ),
            distinct_parties(min_size=1, max_size=3).map(Agreed),
        )
    )


@st.composite
def bets(draw: st.DrawFn) -> Bet:
    """Bet terms between two distinct parties on an arbitrary statement."""
    backer, layer = draw(distinct_parties(min_size=2, max_size=2))
    stakes = st.integers(1, 10_000)
    return Bet(backer, layer, draw(statements()), draw(stakes), draw(stakes), draw(times()))


def _any_terms() -> st.SearchStrategy[Term]:
    leaves: st.SearchStrategy[Term] = st.one_of(
        st.just(Close()),
        st.builds(Pay, payer=parties(), payee=parties(), amount=st.integers(1, 10_000)),
        st.builds(Send, coin=coin_ids(), owner=parties(), to=parties()),
        bets(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(
                When,
                cases=st.lists(
                    st.builds(Case, condition=conditions(), then=inner), min_size=1, max_size=3
                ).map(tuple),
                deadline=times(),
                otherwise=inner,
            ),
            st.builds(Both, left=inner, right=inner),
            st.builds(Seq, first=inner, then=inner),
        ),
        max_leaves=8,
    )


@st.composite
def terms(draw: st.DrawFn) -> Term:
    """Terms that encode; not necessarily a sound contract's (see :func:`contracts`)."""
    return draw(_any_terms())


# --- well-formed contracts ---------------------------------------------------------------------


@attrs.frozen
class Vocabulary:
    """What generated well-formed terms may name: candidate parties, the arbiters and beacon,
    the (computation, input) pairs of free Supplies cases, the statements of verdicts and bets,
    the lottery rounds, Δ's bound, the time span of free waits, and whether a verdict may be on
    "the claim" (``statement=None``)."""

    people: tuple[Party, ...]
    arbiters: tuple[Party, ...]
    beacon: PublicKey | None
    supplies: tuple[tuple[Digest, Digest], ...]
    statements: tuple[Statement, ...]
    rounds: tuple[int, ...] = (1, 2)
    max_delta: int = 30
    horizon: int = 86_400
    verdict_on_the_claim: bool = True


def _toy(tag: str, count: int) -> tuple[Digest, ...]:
    return tuple(tagged_hash(f"oddsproof/strategies/{tag}", bytes([i])) for i in range(count))


_TOY_COMPUTATIONS, _TOY_INPUTS, _TOY_OUTPUTS = (
    _toy("computation", 2),
    _toy("input", 2),
    _toy("output", 2),
)


def default_ladder() -> Ladder:
    """Three levels: arbiter-0 (free, bond 100), arbiter-1 (fee 10), arbiter-2 (fee 50, final),
    20 000 s each, Δ = 60, growth 2, premium 2, burn 1/2."""
    return Ladder(
        (
            Level(ARBITER_IDENTITIES[0].party, 0, 100, 20_000),
            Level(ARBITER_IDENTITIES[1].party, 10, 100, 20_000),
            Level(ARBITER_IDENTITIES[2].party, 50, 100, 20_000),
        ),
        delta=60,
    )


PUBLIC_VOCABULARY = Vocabulary(
    people=tuple(i.party for i in IDENTITIES[:4]),
    arbiters=default_ladder().arbiters,
    beacon=BEACON_IDENTITY.key,
    supplies=tuple((c, i) for c in _TOY_COMPUTATIONS for i in _TOY_INPUTS),
    statements=tuple(
        Statement(c, i, o, 0) for c in _TOY_COMPUTATIONS for i in _TOY_INPUTS for o in _TOY_OUTPUTS
    ),
    verdict_on_the_claim=False,
)


def _free_conditions(vocab: Vocabulary, people: tuple[Party, ...]) -> st.SearchStrategy[Condition]:
    verdict_statements: st.SearchStrategy[Digest | None] = st.sampled_from(
        [s.id for s in vocab.statements]
    )
    if vocab.verdict_on_the_claim:
        verdict_statements = st.none() | verdict_statements
    options: list[st.SearchStrategy[Condition]] = [
        st.builds(
            Supplies,
            party=st.sampled_from(people),
            computation=st.sampled_from([c for c, _ in vocab.supplies]),
            input=st.sampled_from([i for _, i in vocab.supplies]),
        ),
        st.builds(Verdict, statement=verdict_statements, upheld=st.booleans()),
        st.builds(
            lottery,
            st.sampled_from(vocab.rounds),
            st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(1)]),
        ),
        st.lists(st.sampled_from(people), min_size=1, max_size=2, unique=True).map(
            lambda ps: Agreed(tuple(ps))
        ),
    ]
    return st.one_of(options)


def well_formed_terms(
    draw: st.DrawFn,
    vocab: Vocabulary,
    people: tuple[Party, ...],
    *,
    lo: int,
    hi: int,
    delta: int,
    depth: int = 0,
    coins: list[str] | None = None,
) -> Term:
    """Terms that pass the analysis: payers among ``people``, every coin sent at most once on
    any path, deadlines in ``(lo, hi]`` and nested ones at least ``delta`` inside."""
    coins = [] if coins is None else coins
    who = st.sampled_from(people)
    kinds = ["pay", "send"] if depth == 0 else ["close", "pay", "send"]
    if hi > lo:
        kinds += ["bet", "when", "when", "when"] if depth < 3 else ["bet"]
    if depth < 3:
        kinds += ["both", "seq"]
    kind = draw(st.sampled_from(kinds))
    if kind == "close":
        return Close()
    if kind == "pay":
        return Pay(draw(who), draw(who), draw(st.integers(1, 50)))
    if kind == "send":
        coin = f"coin-{len(coins)}"
        coins.append(coin)
        return Send(coin, draw(who), draw(who))
    if kind in ("both", "seq"):
        a = well_formed_terms(
            draw, vocab, people, lo=lo, hi=hi, delta=delta, depth=depth + 1, coins=coins
        )
        b = well_formed_terms(
            draw, vocab, people, lo=lo, hi=hi, delta=delta, depth=depth + 1, coins=coins
        )
        return Both(a, b) if kind == "both" else Seq(a, b)
    deadline = draw(st.integers(lo + 1, hi))
    if kind == "bet":
        backer, layer = draw(st.permutations(people).map(lambda ps: ps[:2]))
        return Bet(
            backer,
            layer,
            draw(st.sampled_from(vocab.statements)),
            draw(st.integers(1, 100)),
            draw(st.integers(1, 100)),
            deadline,
        )
    cases = []
    for _ in range(draw(st.integers(1, 3))):
        condition = draw(_free_conditions(vocab, people))
        then = well_formed_terms(
            draw,
            vocab,
            people,
            lo=lo,
            hi=deadline - delta,
            delta=delta,
            depth=depth + 1,
            coins=coins,
        )
        cases.append(Case(condition, then))
    otherwise = well_formed_terms(
        draw, vocab, people, lo=deadline, hi=hi, delta=delta, depth=depth + 1, coins=coins
    )
    return When(tuple(cases), deadline, otherwise)


JOB_DEADLINE = (300_000, 400_000)
"""A generated job's wait ends this many seconds after the offer: room for a whole ladder."""


def _job_wait(
    draw: st.DrawFn, job: Job, people: tuple[Party, ...], created: int, delta: int
) -> Term:
    buyer, solver = draw(st.permutations(people).map(lambda ps: ps[:2]))
    deadline = created + draw(st.integers(*JOB_DEADLINE))
    then: Term = Pay(buyer, solver, draw(st.integers(1, 50)))
    if draw(st.booleans()):  # a bonus on a final ruling upholding the claim
        bonus_by = draw(st.integers(created + 200_000, deadline - delta))
        paid = Case(Verdict(None, True), Pay(buyer, solver, draw(st.integers(1, 50))))
        then = Seq(then, When((paid,), bonus_by, Close()))
    return When((Case(job.supplies(solver), then),), deadline, Close())


def well_formed_contract(
    draw: st.DrawFn,
    vocab: Vocabulary,
    *,
    created: int,
    jobs: Sequence[Job] = (),
    ladder: Ladder | None = None,
) -> Contract:
    """A contract :func:`~oddsproof.contracts.analyze` passes: two to four of ``vocab.people``,
    one wait per job (a buyer pays a solver who supplies it, maybe a bonus on a final ruling
    upholding the claim) beside free well-formed terms."""
    people = draw(
        st.lists(
            st.sampled_from(vocab.people), min_size=2, max_size=4, unique_by=lambda p: p.key.raw
        )
    )
    people_t = tuple(people)
    delta = draw(st.integers(0, vocab.max_delta))
    free = well_formed_terms(
        draw, vocab, people_t, lo=created, hi=created + vocab.horizon, delta=delta
    )
    terms_: Term = free
    for job in reversed(tuple(jobs)):
        terms_ = Both(_job_wait(draw, job, people_t, created, delta), terms_)
    contract = Contract(
        people_t,
        terms_,
        arbiters=vocab.arbiters,
        beacon=vocab.beacon,
        delta=delta,
        created=created,
        nonce=draw(st.binary(min_size=16, max_size=16)),
    )
    return contract if ladder is None else with_ladder(contract, ladder)


def _defect(draw: st.DrawFn, contract: Contract) -> Term:
    """A term that makes ``contract`` unsound when run beside its terms."""
    a, b = contract.parties[0], contract.parties[-1]
    outsiders = [i.party for i in IDENTITIES if contract.party(i.key) is None]
    later = contract.created + 10
    kinds = ["coin-twice", "no-deadline", "bad-nesting", "overflow", "foreign"]
    if outsiders:
        kinds.append("outsider-pays")
    kind = draw(st.sampled_from(kinds))
    if kind == "outsider-pays":  # negative-balance: a payer that escrows nothing
        return Pay(draw(st.sampled_from(outsiders)), a, draw(st.integers(1, 50)))
    if kind == "coin-twice":  # not-conserved
        return Seq(Send("twice", a, b), Send("twice", a, b))
    if kind == "no-deadline":
        return When((Case(Agreed((a,)), Close()),), FOREVER, Close())
    if kind == "bad-nesting":  # a nested wait ending after its parent's deadline
        inner = When((Case(Agreed((b,)), Close()),), later + 1, Close())
        return When((Case(Agreed((a,)), inner),), later, Close())
    if kind == "overflow":
        return Both(Pay(a, b, 2**62), Pay(a, b, 2**62))
    return Claimed(Digest(b"\x01" * 32), Digest(b"\x02" * 32), Close())  # foreign-term


@st.composite
def contracts(
    draw: st.DrawFn,
    *,
    well_formed: bool | None = True,
    jobs: Sequence[Job] | None = None,
    created: int | None = None,
) -> Contract:
    """Contracts among parties of the pool.

    ``well_formed=True`` (the default): contracts the static analysis proves safe, each paying
    for every job in ``jobs`` (default :func:`default_jobs`): a wait in which a buyer pays a
    solver who supplies it, beside other well-formed terms, on the default three-level ladder.
    ``well_formed=False``: the same with one deliberate defect the analysis reports (a payer who
    escrows nothing, a coin sent twice, a wait with no deadline, a nested deadline after its
    parent's, an overflowing escrow, a runtime-only term). ``None``: any contract that encodes.
    """
    check_optional_bool("well_formed", well_formed)
    chosen = default_jobs() if jobs is None else check_sequence("jobs", jobs, Job)
    if created is not None:
        check_int("created", created, min_value=0, max_value=2**40)
    if well_formed is None:
        return Contract(
            draw(distinct_parties(min_size=1, max_size=4)),
            draw(terms()),
            arbiters=draw(distinct_parties(min_size=0, max_size=3)),
            beacon=draw(st.none() | st.just(BEACON_IDENTITY.key)),
            delta=draw(st.integers(0, 3600)),
            created=draw(times()),
            nonce=draw(st.binary(min_size=16, max_size=16)),
        )
    at = draw(times(max_value=2**32)) if created is None else created
    contract = well_formed_contract(
        draw, PUBLIC_VOCABULARY, created=at, jobs=chosen, ladder=default_ladder()
    )
    if well_formed:
        return contract
    broken = Both(contract.terms, _defect(draw, contract))
    return attrs.evolve(contract, terms=broken)


# --- lottery -----------------------------------------------------------------------------------


@st.composite
def beacon_specs(draw: st.DrawFn) -> BeaconSpec:
    """Beacon specs: an Ed25519 beacon of the pool or a named external source."""
    if draw(st.booleans()):
        key = draw(identities()).key
        return BeaconSpec(
            BeaconScheme.ED25519, key, None, draw(times()), draw(st.integers(1, 2**32 - 1))
        )
    name = draw(st.text(_printable, min_size=1, max_size=40))
    return BeaconSpec(
        BeaconScheme.EXTERNAL, None, name, draw(times()), draw(st.integers(1, 2**32 - 1))
    )


@st.composite
def win_probabilities(draw: st.DrawFn) -> Fraction:
    """Winning probabilities of tickets, in (0, 1]."""
    return draw(st.fractions(min_value=Fraction(1, 10**9), max_value=1, max_denominator=10**9))


@st.composite
def lottery_accounts(draw: st.DrawFn) -> LotteryAccount:
    """Senders' accounts: any beacon, margin, unlock period and judges."""
    judges = draw(distinct_parties(min_size=0, max_size=3))
    return LotteryAccount(
        draw(parties()),
        draw(beacon_specs()),
        draw(st.integers(1, 1000)),
        draw(times()),
        tuple(sorted(judges, key=lambda p: p.key.raw)),
        draw(times()),
        draw(st.binary(min_size=16, max_size=16)),
    )


@st.composite
def step_commitments(draw: st.DrawFn) -> StepCommitment:
    """A worker's commitment to a span of steps (arbitrary ids)."""
    return StepCommitment(
        draw(digests()),
        draw(st.integers(0, 2**40)),
        draw(st.integers(1, 1000)),
        draw(digests()),
        draw(digests()),
        draw(digests()),
    )


@st.composite
def tickets(draw: st.DrawFn) -> Ticket:
    """Lottery tickets between parties of the pool (arbitrary accounts and steps)."""
    return Ticket(
        draw(digests()),
        draw(identities()).key,
        draw(identities()).key,
        draw(amounts(min_value=1)),
        win_threshold(draw(win_probabilities())),
        draw(times()),
        draw(times()),
        draw(st.integers(0, INT_LIMIT - 1)),
        draw(times()),
        draw(step_commitments()),
    )


# --- bets --------------------------------------------------------------------------------------


@st.composite
def odds(draw: st.DrawFn) -> tuple[int, int]:
    """Odds (b, l) in lowest terms, each at most 1000."""
    ratio = Fraction(draw(st.integers(1, 1000)), draw(st.integers(1, 1000)))
    return ratio.numerator, ratio.denominator


@st.composite
def bet_terms(draw: st.DrawFn) -> BetTerms:
    """Terms of a market on one statement: arbiters, trading and settling times."""
    trading = draw(st.integers(0, 2**40))
    window = draw(st.integers(1, 3600))
    settle = trading + window + draw(st.integers(1, 2**20))
    people = draw(distinct_parties(min_size=1, max_size=3))
    return BetTerms(draw(statements()), people, trading, window, settle)


@st.composite
def bet_orders(draw: st.DrawFn) -> BetOrder:
    """Well-formed orders (any market, any times), staking at least one lot."""
    side = draw(st.sampled_from(BetSide))
    b, l_ = draw(odds())
    lot = b if side is BetSide.BACK else l_
    created = draw(times())
    return BetOrder(
        draw(digests()),
        draw(parties()),
        side,
        (b, l_),
        lot * draw(st.integers(1, 10**6)),
        created,
        created + draw(st.integers(1, 2**20)),
        draw(st.binary(min_size=16, max_size=16)),
    )


# --- ladders -----------------------------------------------------------------------------------

BURNS = ((1, 2), (1, 10), (1, 1), (2, 3), (1, 3))
GROWTHS = ((1, 1), (2, 1), (3, 2), (5, 2))
PREMIUMS = ((2, 1), (3, 2), (101, 100))


def _burned(amount: int, burn: tuple[int, int]) -> int:
    return min(amount, max(1, -(-amount * burn[0] // burn[1])))


@st.composite
def ladders(
    draw: st.DrawFn,
    *,
    min_levels: int = 1,
    max_levels: int = 4,
    max_bond: int = 1000,
    min_window: int | None = None,
    arbiters: Sequence[Identity] | None = None,
) -> Ladder:
    """Valid arbitration ladders: distinct arbiters (by default :data:`ARBITER_IDENTITIES`,
    level 0 first), windows above 3Δ (and at least ``min_window`` seconds), bonds that cover
    their level's fee.

    Valid is not always wise: a level-0 window only just above 3Δ leaves no time to play the
    verification game, and a dispute that cannot be played lapses, letting the claim stand.
    Pass ``min_window`` (say 1 000) to draw only ladders with room for the game."""
    pool = (
        ARBITER_IDENTITIES if arbiters is None else check_sequence("arbiters", arbiters, Identity)
    )
    check_int("min_levels", min_levels, min_value=1, max_value=8)
    check_int("max_levels", max_levels, min_value=1, max_value=8)
    check_bounds("min_levels", min_levels, "max_levels", max_levels)
    check_int("max_bond", max_bond, min_value=1, max_value=2**40)
    least = 1 if min_window is None else check_int("min_window", min_window, min_value=1)
    if len(pool) < min_levels:
        raise InvalidArgument(f"min_levels={min_levels} needs as many arbiters, got {len(pool)}")
    count = draw(st.integers(min_levels, min(max_levels, len(pool))))
    delta = draw(st.integers(1, 120))
    burn = draw(st.sampled_from(BURNS))
    levels = []
    for i in range(count):
        bond = draw(st.integers(1, max_bond))
        fee = draw(st.integers(0, bond - _burned(bond, burn)))
        low = max(3 * delta + 1, least)
        window = draw(st.integers(low, low + 5_000))
        levels.append(Level(pool[i].party, fee, bond, window))
    return Ladder(
        tuple(levels),
        growth=draw(st.sampled_from(GROWTHS)),
        premium=draw(st.sampled_from(PREMIUMS)),
        burn=burn,
        delta=delta,
    )


# --- Merkle proofs -----------------------------------------------------------------------------


@st.composite
def _merkle_trees(draw: st.DrawFn) -> MerkleTree:
    chunks = draw(st.lists(st.binary(max_size=8), min_size=1, max_size=40))
    return MerkleTree.from_chunks(chunks)


@st.composite
def inclusion_proofs(draw: st.DrawFn) -> InclusionProof:
    """A genuine audit path of some leaf of a small tree."""
    tree = draw(_merkle_trees())
    return tree.prove(draw(st.integers(0, tree.size - 1)))


@st.composite
def multi_proofs(draw: st.DrawFn) -> MultiProof:
    """A genuine multi-proof of some leaves of a small tree."""
    tree = draw(_merkle_trees())
    indices = draw(st.lists(st.integers(0, tree.size - 1), min_size=1, max_size=tree.size))
    return tree.prove_many(indices)
