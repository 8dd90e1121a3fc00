"""Benchmark (issue #3): order placement through the API and the citizen's "My products" page,
at national scale on PostgreSQL, DEBUG off, gunicorn with 2 workers, locust headless on
loopback. Also runs pgbench TPC-B on the same machine so the app/database ratio is visible.

Run: .venv/bin/python bench/bench_orders.py [--db forsyn_bench] [--seconds 60] [--users 16]
Needs a database loaded by bench/bench_loaddemo.py (it places orders: reload it to start
clean). Targets: >= 150 orders/s for 60 s with p95 <= 150 ms and no errors; "My products"
p95 <= 100 ms.
"""

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import BIN, PRODUCTION_KEYS, forsyn

HERE = Path(__file__).resolve().parent
PORT = 8766
REDIS_DB = 15


def citizens_to_load(limit: int) -> list[dict[str, Any]]:
    """Citizens with an active §112 stoma grant line on a product, with that product's GTIN."""
    import django

    django.setup()
    from django.utils import timezone

    from forsyn.grants.models import GrantLine

    rows = (
        GrantLine.objects.filter(
            grant__status="active",
            grant__legal_basis="sel_112",
            grant__product_area__code="stoma",
            grant__valid_from__lte=timezone.localdate(),
            grant__citizen__deceased_on__isnull=True,
            grant__citizen__moved_away_on__isnull=True,
            product__status="active",
        )
        .order_by("pk")
        .values_list("grant__citizen_id", "grant__citizen__cpr", "product__gtin")[:limit]
    )
    return [{"id": i, "cpr": cpr, "gtin": gtin} for i, cpr, gtin in rows]


def run_locust(env: dict[str, str], mode: str, users: int, seconds: int, out: Path) -> Any:
    prefix = out / mode
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(HERE / "locustfile_orders.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        check=False,
        env={**env, "FORSYN_BENCH_MODE": mode},
        stdout=subprocess.DEVNULL,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv") as f:
        return {r["Name"]: r for r in csv.DictReader(f)}


def pgbench(db_host: str) -> str:
    pg = ["-h", db_host, "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", "pgbench_forsyn"], check=True)
    subprocess.run(["createdb", *pg, "pgbench_forsyn"], check=True)
    subprocess.run(
        ["pgbench", *pg, "-i", "-s", "10", "-q", "pgbench_forsyn"], check=True, capture_output=True
    )
    result = subprocess.run(
        ["pgbench", *pg, "-c", "4", "-j", "2", "-T", "30", "pgbench_forsyn"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    subprocess.run(["dropdb", *pg, "pgbench_forsyn"], check=True)
    return next(line for line in result.splitlines() if line.startswith("tps"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="forsyn_bench")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--only", choices=("orders", "products"), default=None)
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument(
        "--gunicorn",
        default="",
        help="extra gunicorn options, e.g. '--worker-class gthread --threads 4' (default: sync)",
    )
    args = parser.parse_args()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="forsyn.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.db}",
        FORSYN_DEBUG="0",
        **PRODUCTION_KEYS,
        FORSYN_TEST_IDP="1",  # the simulated citizens log in through the local test IdP
        # As in production, a request only queues the receipt e-mail (no worker runs here;
        # the queue is emptied afterwards).
        FORSYN_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        FORSYN_LOG_LEVEL="ERROR",
    )
    os.environ.update(env)
    citizens = citizens_to_load(20_000)
    token = forsyn(env, "token", "create", "agent-fsc").strip()
    out = Path(tempfile.mkdtemp(prefix="forsyn-bench-"))
    (out / "citizens.json").write_text(json.dumps(citizens))
    env.update(FORSYN_BENCH_CITIZENS=str(out / "citizens.json"), FORSYN_BENCH_TOKEN=token)
    print(f"{len(citizens)} citizens with an orderable grant line; locust output in {out}")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "forsyn.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            *args.gunicorn.split(),
            "--log-level",
            "error",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        modes = [args.only] if args.only else ["products", "orders"]
        for mode in modes:
            for name, stats in run_locust(env, mode, args.users, args.seconds, out).items():
                if name == "Aggregated":
                    continue
                print(
                    f"RESULT {name}: {stats['Request Count']} requests, {stats['Failure Count']} "
                    f"failures, {float(stats['Requests/s']):.1f} req/s, p50 {stats['50%']} ms, "
                    f"p95 {stats['95%']} ms, p99 {stats['99%']} ms"
                )
    finally:
        server.terminate()
        server.wait(timeout=20)
        import redis

        redis.Redis(db=REDIS_DB).flushdb()
    if not args.no_pgbench:
        print("pgbench TPC-B (scale 10, 4 clients, 2 threads, 30 s):", pgbench("127.0.0.1"))


if __name__ == "__main__":
    main()
