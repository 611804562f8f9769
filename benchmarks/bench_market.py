"""The market over claims: order-book throughput, and the spot checks reputation saves.

``orderbook_ops_per_s``: an :class:`~oddsproof.games.OrderBook` holding 10**5 resting orders
(quick mode 2 * 10**4) on a ladder of 80 back and 80 lay prices, takes a seeded mix of
operations: 50 % posts that rest (a fresh order at one of the ladder's prices), 20 % cancels of
a random resting order, 30 % crossing posts (a taker sized to fill about one resting order at
the best price, producing a match). Orders are built, signed-for and hashed beforehand, as a
venue receives them already decoded and verified: what is timed is the book (sorted price
levels, price-time matching, expiry heap, cancel by id). Ops/s is the best of three batches.
Goal ≥ 20 000: a venue on one core then matches faster than it can verify the orders' Ed25519
signatures (≈ 60 µs each here), so the book is never the bottleneck. The detail reports, beside
it, the whole market's post rate (signature check, escrow lock on a ``MemoryLedger``, matching).

``reputation_check_ratio``: a seeded population of solvers makes claims round after round, each
faking a fraction f = 1/100 of the pieces when it cheats, checked with ε = 1e-9 (k = 2062 at
full). With reputation, each claim gets the k of :class:`~oddsproof.games.CheckPolicy` (default
probation, cool-off, trust rate and floor) from the solver's record, and the record is updated
with a pass/fail drawn from the true pass probability (1 − f)^k. The achieved fraud rate is the
expected share of fraudulent claims accepted, Σ(1 − f)^k over frauds / frauds (exact given the k
used; the sampled count is in the detail). Without reputation, the fewest uniform checks that
achieve the same (or a lower) rate is k_u = plan(rate, f). The figure is the mean k per claim
with reputation over k_u, goal ≤ 0.5 (lower is better); the detail also gives it against the
full 2062.

The population (full mode 100 solvers × 500 rounds, quick 50 × 500): 80 % honest; 10 % frequent
cheaters (cheat on each claim with probability 1/4); 5 % occasional cheaters (1/50); 5 % sleepers
(honest for the first half of the run, building a clean record, then cheating with
probability 1/10). Sleepers are the attack reputation invites: they cheat against reduced k.
"""

from __future__ import annotations

import math
import random
import time
from fractions import Fraction
from typing import Any

from _harness import Result
from oddsproof.contracts import Runtime, Statement
from oddsproof.games import plan
from oddsproof.ledger import MemoryLedger, Mint
from oddsproof.markets import (
    BetOrder,
    BetSide,
    BetTerms,
    CheckPolicy,
    ClaimMarket,
    OrderBook,
    ReputationRecord,
)
from oddsproof.wire import Digest, Domain, Identity, Signed, tagged_hash

STATEMENT = Statement(
    tagged_hash("bench/code", b"f"),
    tagged_hash("bench/input", b"x"),
    tagged_hash("bench/y", b"y"),
    16,
)
ARBITER = Identity.from_seed("arbiter", b"\xa0" * 32)
TERMS = BetTerms(STATEMENT, (ARBITER.party,), 1 << 40, 600, (1 << 40) + 10_000)
DOMAIN = Domain("oddsproof-bench")
FAR = 1 << 39  # orders' expiry: the benchmark never reaches it


def _odds(n: int) -> tuple[int, int]:
    """Odds n : (200 - n) in lowest terms: price n / 200."""
    price = Fraction(n, 200)
    return price.numerator, price.denominator - price.numerator


def _ladders() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """80 back prices in [0.1, 0.5) and 80 lay prices in (0.5, 0.9]: the book never crosses."""
    return [_odds(n) for n in range(20, 100)], [_odds(n) for n in range(101, 181)]


class _OrderMaker:
    """Orders from a pool of posters, numbered so every id differs."""

    def __init__(self, rng: random.Random, posters: int) -> None:
        self.rng = rng
        self.parties = [
            Identity.from_seed(f"p{i}", i.to_bytes(4, "big") * 8).party for i in range(posters)
        ]
        self.count = 0

    def make(self, side: BetSide, odds: tuple[int, int], lots: int) -> BetOrder:
        self.count += 1
        lot = odds[0] if side is BetSide.BACK else odds[1]
        order = BetOrder(
            TERMS.id,
            self.rng.choice(self.parties),
            side,
            odds,
            lot * lots,
            0,
            FAR,
            self.count.to_bytes(16, "big"),
        )
        _ = order.id  # hash now, outside the timed part
        return order


def _orderbook(quick: bool) -> Result:
    rng = random.Random(6)
    resting = 20_000 if quick else 100_000
    batch = 5_000 if quick else 10_000
    backs, lays = _ladders()
    maker = _OrderMaker(rng, 500)
    book = OrderBook(TERMS.id)
    for _ in range(resting):
        side = rng.choice((BetSide.BACK, BetSide.LAY))
        odds = rng.choice(backs if side is BetSide.BACK else lays)
        book.post(maker.make(side, odds, rng.randint(1, 20)), now=1)
    rates = []
    matches_made = 0
    for _ in range(3):
        ops: list[tuple[str, Any]] = []
        for _ in range(batch):
            roll = rng.random()
            side = rng.choice((BetSide.BACK, BetSide.LAY))
            if roll < 0.50:
                odds = rng.choice(backs if side is BetSide.BACK else lays)
                ops.append(("post", maker.make(side, odds, rng.randint(1, 20))))
            elif roll < 0.70:
                ops.append(("cancel", None))
            else:  # a taker crossing the best opposite price, about one resting order's size
                odds = (99, 1) if side is BetSide.BACK else (1, 99)
                ops.append(("post", maker.make(side, odds, rng.randint(1, 20))))
        ids = [o.id for o in book.resting()]  # cancellation targets, drawn before timing
        rng.shuffle(ids)
        targets = iter(ids)
        start = time.perf_counter()
        for kind, order in ops:
            if kind == "post":
                matches_made += len(book.post(order, now=2).matches)
            else:
                target = next(targets)
                while target not in book:
                    target = next(targets)
                book.cancel(target)
        elapsed = time.perf_counter() - start
        rates.append(batch / elapsed)
    return Result(
        "orderbook_ops_per_s",
        max(rates),
        "ops/s",
        20_000,
        "higher",
        {
            "resting_at_start": resting,
            "resting_at_end": len(book),
            "batches_ops_per_s": [round(r) for r in rates],
            "matches": matches_made,
            "price_levels": len(backs) + len(lays),
            "market_post_per_s": round(_market_posts(quick)),
        },
    )


def _market_posts(quick: bool) -> float:
    """The whole market's post rate: decode-free signed orders, signature check, escrow lock on
    a MemoryLedger, matching (resting orders only, so no contracts are built)."""
    count = 300 if quick else 1_000
    ledger = MemoryLedger()
    market = ClaimMarket(TERMS, Runtime(ledger, DOMAIN))
    posters = [Identity.from_seed(f"m{i}", bytes([i + 1]) * 32) for i in range(20)]
    ledger.apply_all([Mint(p.key, 1 << 40, b"fund" + bytes([i])) for i, p in enumerate(posters)])
    backs, _ = _ladders()
    orders = []
    for n in range(count):
        who = posters[n % len(posters)]
        body = BetOrder(
            TERMS.id,
            who.party,
            BetSide.BACK,
            backs[n % len(backs)],
            10_000,
            0,
            FAR,
            n.to_bytes(16, "big"),
        )
        orders.append(Signed.create(body, DOMAIN, who))
    start = time.perf_counter()
    for order in orders:
        market.post(order, now=3)
    return count / (time.perf_counter() - start)


# ---------------------------------------------------------------------------------------------
# Reputation


EPSILON = Fraction(1, 10**9)
FRAUD = Fraction(1, 100)


def _population(rng: random.Random, solvers: int, sleepers: float) -> list[float]:
    """Each solver's chance to cheat on a claim: 0 (honest, 90 %), log-uniform in [1/50, 1/2]
    (cheaters, 10 %), or -1 for a sleeper (honest for half the run, then 1/10)."""
    n_sleep = round(sleepers * solvers)
    n_cheat = round(0.10 * solvers) - n_sleep
    honest = [0.0] * (solvers - n_cheat - n_sleep)
    cheats = [math.exp(rng.uniform(math.log(1 / 50), math.log(1 / 2))) for _ in range(n_cheat)]
    return honest + cheats + [-1.0] * n_sleep


def _simulate(solvers: int, rounds: int, sleepers: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    policy = CheckPolicy(EPSILON, FRAUD)
    chances = _population(rng, solvers, sleepers)
    computation = Digest(b"\xcc" * 32)
    key = Identity.from_seed("solver", b"\x5e" * 32).key  # records are per solver below
    records = [ReputationRecord(key, computation) for _ in chances]
    survive = 1 - float(FRAUD)
    cache: dict[tuple[int, int], int] = {}
    checks = claims = frauds = sampled = 0
    expected = 0.0
    honest_checks = honest_claims = 0
    order = list(range(len(chances)))
    for rnd in range(rounds):
        rng.shuffle(order)
        for s in order:
            record = records[s]
            state = (record.clean, record.failed)  # all k depends on (cooloff_seconds = 0)
            if state not in cache:
                cache[state] = policy.checks(record, now=rnd).k
            k = cache[state]
            checks += k
            claims += 1
            chance = chances[s]
            if chance == 0.0:
                honest_checks += k
                honest_claims += 1
            if chance < 0:
                chance = 0.1 if rnd >= rounds // 2 else 0.0
            passed = True
            if rng.random() < chance:
                frauds += 1
                pass_probability = survive**k
                expected += pass_probability
                passed = rng.random() < pass_probability
                sampled += passed
            records[s] = record.observe(passed=passed, now=rnd)
    rate = expected / frauds
    k_uniform = plan(rate, float(FRAUD))
    mean_k = checks / claims
    return {
        "ratio": mean_k / k_uniform,
        "claims": claims,
        "frauds": frauds,
        "achieved_fraud_rate": rate,
        "sampled_frauds_accepted": sampled,
        "mean_k": round(mean_k, 1),
        "mean_k_honest": round(honest_checks / honest_claims, 1),
        "k_uniform_same_rate": k_uniform,
        "k_full": policy.full,
        "ratio_vs_full": round(mean_k / policy.full, 4),
        "policy": (
            f"probation={policy.probation} cooloff={policy.cooloff} "
            f"trust_rate={policy.trust_rate} floor={policy.floor}"
        ),
    }


def _reputation(quick: bool) -> Result:
    solvers, rounds = (50, 500) if quick else (100, 500)
    main = _simulate(solvers, rounds, 0.0, seed=2024)
    attacked = _simulate(solvers, rounds, 0.02, seed=2024)
    detail = {k: v for k, v in main.items() if k != "ratio"}
    detail["solvers_rounds"] = f"{solvers} x {rounds}"
    detail["with_2pct_sleepers_ratio"] = round(attacked["ratio"], 3)
    detail["with_2pct_sleepers_rate"] = attacked["achieved_fraud_rate"]
    return Result("reputation_check_ratio", main["ratio"], "ratio", 0.5, "lower", detail)


def run(quick: bool) -> list[Result]:
    return [_orderbook(quick), _reputation(quick)]


if __name__ == "__main__":  # manual runs: python benchmarks/bench_market.py
    for result in run(quick=True):
        print(result.name, result.value, result.detail)
