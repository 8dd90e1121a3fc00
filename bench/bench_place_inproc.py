"""Benchmark (issue #9): order placement in one process on one PostgreSQL connection, shaped
like the django-oscar peer harness (../shared/bench/oscar/bench.py) so the two can be run one
after the other and compared.

Run: .venv/bin/python bench/bench_place_inproc.py [--db forsyn_qbench] [--orders 1000]
     [--load national]   # (re)build the database first with `forsyn loaddemo`

Each order is forsyn's real `order_place` service called as the demo service agent
(`agent-fsc`, purpose stated, access-log channel `api`, a fresh idempotency key) for a random
demo citizen with active grant lines: up to 3 lines (1-3 distinct granted products of one
payer, 1-3 packs each, seeded RNG), delivery to the registered address. Like oscar's harness:
20 untimed warm-up orders, then N orders timed as one `perf_counter` span (each order is also
timed), then 50 more under CaptureQueriesContext to count SQL statements (including
BEGIN/COMMIT/SAVEPOINT, as oscar's count does; also given without them), then checks against
the database and JSON output. As in production, DEBUG is off and the receipt e-mail is only
queued on Redis (db 15, emptied afterwards); no worker runs.
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import BIN, PRODUCTION_KEYS

HERE = Path(__file__).resolve().parent
REDIS_DB = 15
PURPOSE = "Borger ringer om sin bestilling"
TX_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def load(db: str, scale: str) -> None:
    """A fresh database with `forsyn loaddemo --scale SCALE` (not timed)."""
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", db], check=True)
    subprocess.run(["createdb", *pg, db], check=True)
    env = dict(os.environ)
    subprocess.run([str(BIN / "forsyn"), "migrate", "--verbosity", "0"], check=True, env=env)
    subprocess.run(
        [str(BIN / "forsyn"), "loaddemo", "--scale", scale],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def orderable(limit: int) -> dict[int, list[str]]:
    """Citizens (the first `limit` by pk) with the GTINs they may order: active §112 grant
    lines on an active product, one payer per citizen (the payer of their first line)."""
    from django.db.models import Q
    from django.utils import timezone

    from forsyn.grants.models import GrantLine

    on = timezone.localdate()
    rows = (
        GrantLine.objects.filter(
            is_active=True,
            grant__status="active",
            grant__legal_basis="sel_112",
            grant__valid_from__lte=on,
            grant__citizen__deceased_on__isnull=True,
            grant__citizen__moved_away_on__isnull=True,
            product__status="active",
        )
        .filter(Q(grant__valid_until__isnull=True) | Q(grant__valid_until__gt=on))
        .order_by("grant__citizen_id", "pk")
        .values_list("grant__citizen_id", "grant__granting_organisation_id", "product__gtin")
    )
    out: dict[int, list[str]] = {}
    payer: dict[int, int] = {}
    for citizen_id, org_id, gtin in rows.iterator(chunk_size=5000):
        if citizen_id not in out:
            if len(out) >= limit:
                break
            out[citizen_id], payer[citizen_id] = [], org_id
        if payer[citizen_id] == org_id and gtin not in out[citizen_id]:
            out[citizen_id].append(gtin)
    return out


def data_statements(captured: list[dict[str, Any]]) -> int:
    return sum(1 for q in captured if not q["sql"].lstrip().upper().startswith(TX_CONTROL))


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100.0 * (len(s) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="forsyn_qbench")
    parser.add_argument("--load", default="", help="rebuild the database: loaddemo --scale X")
    parser.add_argument("--orders", type=int, default=1000, help="timed orders (default 1000)")
    parser.add_argument("--max-lines", type=int, default=3, help="lines per order: 1..N")
    parser.add_argument("--max-qty", type=int, default=3, help="packs per line: 1..N")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--query-sample", type=int, default=50)
    parser.add_argument("--citizens", type=int, default=20_000, help="pool of citizens")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--show-statements", action="store_true", help="print one order's SQL")
    parser.add_argument(
        "--time-statements", type=int, default=0, help="then time each statement over N orders"
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="then profile N orders (cProfile, top functions)"
    )
    parser.add_argument(
        "--out", default=str(Path(tempfile.gettempdir()) / "forsyn-bench-place-inproc.json")
    )
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="forsyn.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.db}",
        FORSYN_DEBUG="0",
        FORSYN_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        FORSYN_LOG_LEVEL="ERROR",
        **PRODUCTION_KEYS,
    )
    if args.load:
        load(args.db, args.load)

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forsyn.access.context import AccessChannel, AccessContext
    from forsyn.grants.models import Grant, GrantLine
    from forsyn.orders.models import Order, OrderLine
    from forsyn.orders.services import DeliveryInput, LineInput, order_place
    from forsyn.organisations.models import User

    rng = random.Random(args.seed)
    agent = User.objects.get(username="agent-fsc")
    pool = orderable(args.citizens)
    citizen_ids = sorted(pool)
    tables = {
        "grants": Grant.objects.count(),
        "grant_lines": GrantLine.objects.count(),
        "orders_before": Order.objects.count(),
        "order_lines_before": OrderLine.objects.count(),
    }
    pg = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    print(
        f"forsyn / Django {django.get_version()} / PostgreSQL {pg} / "
        f"{len(citizen_ids)} citizens in the pool; {tables}",
        flush=True,
    )
    ms = lambda v: round(v * 1000, 3)  # noqa: E731
    serial = iter(range(1, 10**9))
    statuses: Counter[str] = Counter()
    lines_placed = 0

    def one_order() -> None:
        nonlocal lines_placed
        citizen_id = rng.choice(citizen_ids)
        gtins = pool[citizen_id]
        chosen = rng.sample(gtins, rng.randint(1, min(args.max_lines, len(gtins))))
        # One access context per order, as the API builds one per request.
        ctx = AccessContext.for_user(agent, channel=AccessChannel.API, purpose=PURPOSE)
        order, created = order_place(
            ctx=ctx,
            citizen_id=citizen_id,
            lines=[LineInput(g, rng.randint(1, args.max_qty)) for g in chosen],
            delivery=DeliveryInput(),
            idempotency_key=f"bench-inproc-{args.seed}-{time.time_ns()}-{next(serial)}",
        )
        assert created
        statuses[order.status] += 1
        lines_placed += len(chosen)

    for _ in range(args.warmup):
        one_order()

    per_order: list[float] = []
    start = time.perf_counter()
    for _ in range(args.orders):
        a = time.perf_counter()
        one_order()
        per_order.append(time.perf_counter() - a)
    seconds = time.perf_counter() - start

    q_total: list[int] = []
    q_data: list[int] = []
    by_lines: dict[int, list[int]] = {}
    sample_sql: list[str] = []
    for _ in range(args.query_sample):
        before = lines_placed
        with CaptureQueriesContext(connection) as cq:
            one_order()
        q_total.append(len(cq.captured_queries))
        q_data.append(data_statements(cq.captured_queries))
        by_lines.setdefault(lines_placed - before, []).append(len(cq.captured_queries))
        if not sample_sql:
            sample_sql = [q["sql"] for q in cq.captured_queries]
    if args.show_statements:
        for i, sql in enumerate(sample_sql, 1):
            print(f"{i:2}. {sql[:300]}")
    if args.time_statements:
        # Wall time of each statement (client round trip included) and of COMMIT, over more
        # orders.
        spent: dict[str, list[float]] = {}

        def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                words = sql.split()
                key = " ".join(words[:1] if words[0] in ("SAVEPOINT", "RELEASE") else words[:6])
                spent.setdefault(key[:70], []).append(time.perf_counter() - t)

        commit = connection.commit

        def timed_commit() -> None:
            t = time.perf_counter()
            try:
                commit()
            finally:
                spent.setdefault("COMMIT", []).append(time.perf_counter() - t)

        total = 0.0
        connection.commit = timed_commit  # type: ignore[method-assign]
        try:
            for _ in range(args.time_statements):
                a = time.perf_counter()
                with connection.execute_wrapper(timer):
                    one_order()
                total += time.perf_counter() - a
        finally:
            del connection.commit
        in_sql = sum(sum(v) for v in spent.values())
        print(
            f"{args.time_statements} orders: {ms(total / args.time_statements)} ms each, of which "
            f"{ms(in_sql / args.time_statements)} ms in SQL statements and COMMIT (round trips)"
        )
        for sql, times in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
            print(f"{ms(sum(times) / args.time_statements):8.3f} ms/order  x{len(times)}  {sql}")

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            one_order()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats("forsyn", 30)

    expected = args.warmup + args.orders + args.query_sample + args.profile
    placed = Order.objects.count() - tables["orders_before"]
    lines = OrderLine.objects.count() - tables["order_lines_before"]
    problems = []
    if placed != expected:
        problems.append(f"orders placed {placed} != {expected}")
    if lines != lines_placed:
        problems.append(f"order lines {lines} != {lines_placed}")

    import redis

    redis.Redis(db=REDIS_DB).flushdb()
    result = {
        "system": "forsyn",
        "db": f"PostgreSQL {pg} {args.db}",
        "orders": args.orders,
        "seconds": round(seconds, 3),
        "orders_per_s": round(args.orders / seconds, 1),
        "queries_per_order_median": statistics.median(q_total),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "django": django.get_version(),
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "workload": {
            "citizens_in_pool": len(citizen_ids),
            "lines_per_order": [1, args.max_lines],
            "qty_range": [1, args.max_qty],
            "seed": args.seed,
            "actor": "agent-fsc (service agent), purpose stated, access-log channel api",
            "warmup_orders": args.warmup,
            "query_sample_orders": args.query_sample,
            "single_process": True,
            "tables": tables,
        },
        "latency_ms": {
            "order_p50": ms(pct(per_order, 50)),
            "order_p95": ms(pct(per_order, 95)),
            "order_p99": ms(pct(per_order, 99)),
            "order_max": ms(max(per_order)),
        },
        "queries_per_order": {
            "median": statistics.median(q_total),
            "min": min(q_total),
            "max": max(q_total),
            "median_excluding_tx_control": statistics.median(q_data),
            "by_lines": {n: sorted(set(v)) for n, v in sorted(by_lines.items())},
        },
        "statuses": dict(statuses),
        "mean_lines_per_order": round(lines_placed / expected, 2),
        "verified": not problems,
        "problems": problems,
    }
    text = json.dumps(result, indent=2)
    print(text)
    Path(args.out).write_text(text + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
