"""Ledger workloads: random operations (LedgerOp) and the entries they become."""

from __future__ import annotations

# --- ledger ---
import attrs
from hypothesis import strategies as st

from oddsproof.errors import EncodingError
from oddsproof.ledger import (
    BondForfeit,
    BondPost,
    BondRelease,
    BondState,
    Burn,
    CoinMint,
    CoinMove,
    Correction,
    Entry,
    EscrowLock,
    Holding,
    HoldingPass,
    HoldingState,
    Ledger,
    Mint,
    Move,
    Payout,
    Refund,
    ResolveCondition,
    Stake,
    Transfer,
)
from oddsproof.strategies import transfers
from oddsproof.wire import (
    INT_LIMIT,
    Canonical,
    Digest,
    PublicKey,
)

from .values import (
    IDENTITIES,
    amounts,
    coin_ids,
    digests,
    identities,
    objects_by_kind,
    positive_amounts,
)

keys = identities.map(lambda i: i.key)
refs = st.binary(min_size=1, max_size=8)
reasons = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40
)


@st.composite
def stakes(draw: st.DrawFn, party: PublicKey | None = None) -> Stake:
    coins = tuple(sorted(set(draw(st.lists(coin_ids, max_size=3)))))
    amount = draw(amounts if coins else positive_amounts)
    return Stake(draw(keys) if party is None else party, amount, coins)


@st.composite
def escrow_locks(draw: st.DrawFn) -> EscrowLock:
    people = sorted(
        draw(st.lists(keys, min_size=1, max_size=4, unique_by=lambda k: k.raw)),
        key=lambda k: k.raw,
    )
    used: set[str] = set()
    parts = []
    for party in people:
        stake = draw(stakes(party))
        coins = tuple(c for c in stake.coins if c not in used)
        used.update(coins)
        parts.append(Stake(party, stake.amount or 1, coins))
    return EscrowLock(draw(digests), tuple(parts), draw(refs))


@st.composite
def bond_forfeits(draw: st.DrawFn) -> BondForfeit:
    reimburse = draw(st.integers(0, 10**9))
    to = draw(keys) if reimburse else None
    return BondForfeit(draw(digests), draw(positive_amounts), reimburse, to, draw(refs))


@st.composite
def holdings(draw: st.DrawFn) -> Holding:
    conditions = tuple(sorted(set(draw(st.lists(digests, min_size=1, max_size=4)))))
    coin = draw(st.none() | coin_ids)
    common = (draw(digests), draw(keys), draw(amounts), coin, conditions)
    if draw(st.booleans()):
        return Holding(*common, draw(digests), draw(keys), None, 0)
    return Holding(*common, None, None, draw(digests), draw(st.integers(1, 64)))


ledger_objects_by_kind: dict[type[Canonical], st.SearchStrategy[Canonical]] = {
    Mint: st.builds(Mint, to=keys, amount=positive_amounts, ref=refs),
    Burn: st.builds(Burn, owner=keys, amount=positive_amounts, ref=refs),
    Move: st.builds(Move, payer=keys, payee=keys, amount=positive_amounts, ref=refs),
    CoinMint: st.builds(CoinMint, coin=coin_ids, owner=keys, amount=amounts, ref=refs),
    CoinMove: st.builds(CoinMove, coin=coin_ids, owner=keys, to=keys, ref=refs),
    Stake: stakes(),
    EscrowLock: escrow_locks(),
    Payout: st.builds(Payout, contract=digests, transfer=transfers(), ref=refs),
    Refund: st.builds(Refund, contract=digests, ref=refs),
    BondPost: st.builds(BondPost, owner=keys, amount=positive_amounts, subject=digests, ref=refs),
    BondRelease: st.builds(BondRelease, bond=digests, ref=refs),
    BondForfeit: bond_forfeits(),
    HoldingPass: st.builds(
        HoldingPass,
        holding=digests,
        owner=keys,
        to=keys,
        amount=amounts,
        condition=st.none() | digests,
        ref=refs,
    ),
    ResolveCondition: st.builds(ResolveCondition, claim=digests, upheld=st.booleans(), ref=refs),
    Correction: st.builds(Correction, corrects=digests, reason=reasons, ref=refs),
    Holding: holdings(),
}
objects_by_kind.update(ledger_objects_by_kind)
ledger_entries: st.SearchStrategy[Entry] = st.one_of(
    *(s for cls, s in ledger_objects_by_kind.items() if issubclass(cls, Entry))
)
"""Any journal entry, not necessarily one that applies to a given ledger."""

# Random workloads: a LedgerOp names an operation and small indices; entry_for turns it into an
# entry that usually applies to the ledger's present state (and sometimes deliberately not), so
# that random sequences exercise every entry kind instead of failing at once.

LEDGER_PARTIES = tuple(i.party for i in IDENTITIES[:4])
LEDGER_CONTRACTS = tuple(Digest(bytes([0xC0 + i]) * 32) for i in range(3))
LEDGER_CLAIMS = tuple(Digest(bytes([0xA0 + i]) * 32) for i in range(3))
LEDGER_COINS = ("c0", "c1", "c2")
_PARTY_OF = {p.key: p for p in LEDGER_PARTIES}

LEDGER_OP_KINDS = (
    *("mint", "mint", "lock", "lock", "payout", "payout", "payout", "pass", "pass"),
    *("burn", "move", "coin-mint", "coin-move", "refund", "bond-post", "bond-release"),
    *("bond-forfeit", "resolve", "correct", "replay"),
)


@attrs.frozen
class LedgerOp:
    """One step of a random ledger workload, resolved by :func:`entry_for`."""

    kind: str
    x: int
    y: int
    z: int
    amount: int
    flag: bool


ledger_amounts = st.integers(1, 60) | st.sampled_from([INT_LIMIT - 1, 1 << 62, 7, 1])
ledger_ops = st.builds(
    LedgerOp,
    kind=st.sampled_from(LEDGER_OP_KINDS),
    x=st.integers(0, 11),
    y=st.integers(0, 11),
    z=st.integers(0, 11),
    amount=ledger_amounts,
    flag=st.booleans(),
)


def entry_for(
    op: LedgerOp, ledger: Ledger, ref: bytes, claims: tuple[Digest, ...] = LEDGER_CLAIMS
) -> Entry | None:
    """The entry ``op`` stands for in ``ledger``'s present state (``None`` if there is none).

    A claim resolves once, so long workloads pass fresh ``claims`` from time to time.
    """
    try:
        return _entry_for(op, ledger, ref, claims)
    except EncodingError:
        return None


def _entry_for(
    op: LedgerOp, ledger: Ledger, ref: bytes, claims: tuple[Digest, ...]
) -> Entry | None:
    n = len(LEDGER_PARTIES)
    px, py, pz = (LEDGER_PARTIES[i % n] for i in (op.x, op.y, op.z))
    contract = LEDGER_CONTRACTS[op.x % 3]
    claim = claims[op.z % len(claims)]
    coin = LEDGER_COINS[op.y % 3]
    kind = op.kind
    if kind == "mint":
        return Mint(px.key, op.amount, ref)
    if kind == "burn":
        return Burn(px.key, op.amount, ref)
    if kind == "move":
        return Move(px.key, py.key, op.amount, ref)
    if kind == "coin-mint":
        return CoinMint(coin, px.key, op.amount % 100, ref)
    if kind == "coin-move":
        record = ledger.coin(coin)
        owner = record.owner if record is not None and op.flag else px.key
        return CoinMove(coin, owner, pz.key, ref)
    if kind == "lock":
        parts = []
        for i, party in enumerate(sorted({px.key, py.key}, key=lambda k: k.raw)):
            amount = op.amount if i == 0 else op.amount // 2
            held = ledger.coins(owner=party) if op.flag else ()
            owned = tuple(c.coin for c in held if c.plain)
            if amount or owned:
                parts.append(Stake(party, amount, owned))
        return EscrowLock(contract, tuple(parts), ref)
    if kind == "payout":
        condition = claim if op.flag else None
        escrowed_coins = ledger.coins(contract=contract)
        if escrowed_coins and op.z % 2:
            record = escrowed_coins[op.y % len(escrowed_coins)]
            value = record.amount if op.x % 2 else 0
            transfer = Transfer(_PARTY_OF[record.owner], pz, value, record.coin, condition)
            return Payout(contract, transfer, ref)
        rows = sorted(ledger.escrows(contract).items(), key=lambda kv: kv[0][1].raw)
        payer, amount = px.key, op.amount
        if rows:
            (_, payer), have = rows[op.y % len(rows)]
            amount = min(op.amount, have) if op.x % 4 else op.amount
        return Payout(contract, Transfer(_PARTY_OF[payer], pz, amount, None, condition), ref)
    if kind == "refund":
        return Refund(contract, ref)
    if kind == "bond-post":
        return BondPost(px.key, op.amount, claim, ref)
    if kind in ("bond-release", "bond-forfeit"):
        bonds = ledger.bonds(state=BondState.OPEN) if op.flag else ledger.bonds()
        if not bonds:
            return None
        bond = bonds[op.y % len(bonds)]
        if kind == "bond-release":
            return BondRelease(bond.id, ref)
        burn = max(1, bond.amount * (op.x % 4 + 1) // 4)
        reimburse = bond.amount - burn
        to = next(p.key for p in (pz, px, py, *LEDGER_PARTIES) if p.key != bond.owner)
        return BondForfeit(bond.id, burn, reimburse, to if reimburse else None, ref)
    if kind == "pass":
        live = ledger.holdings(state=HoldingState.LIVE)
        if not live:
            return None
        held = live[op.y % len(live)]
        amount = held.amount
        if held.holding.coin is None and op.x % 5:
            amount = max(1, min(op.amount, held.amount))
        condition = claims[op.x % len(claims)] if op.flag else None
        return HoldingPass(held.id, held.owner, pz.key, amount, condition, ref)
    if kind == "resolve":
        return ResolveCondition(claim, op.flag, ref)
    journal = list(ledger.journal())
    if not journal:
        return None
    record = journal[-1 - op.y % len(journal)]
    if kind == "replay":
        return record.entry
    return Correction(record.id, "mistaken entry", ref)
