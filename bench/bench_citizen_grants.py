"""Benchmark: GET /api/v1/citizens/{id}/grants at national scale, warm, one client.

Needs a database loaded by bench_loaddemo.py. Starts gunicorn (DEBUG off) on loopback, creates
a token for caseworker-751, warms up, then times sequential requests from one client.
Target (issue #2): p95 at most 30 ms.

Run: .venv/bin/python bench/bench_citizen_grants.py [--db forsyn_bench] [--requests 2000]
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import time

from common import BIN, PRODUCTION_KEYS, forsyn

PORT = 8765


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="forsyn_bench")
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.db}",
        FORSYN_DEBUG="0",
        **PRODUCTION_KEYS,
        FORSYN_LOG_LEVEL="WARNING",
    )
    token = forsyn(env, "token", "create", "caseworker-751").strip()
    ids = subprocess.run(
        [
            str(BIN / "forsyn"),
            "shell",
            "-c",
            "from forsyn.citizens.models import Citizen;"
            "print(' '.join(str(i) for i in Citizen.objects.filter(municipality__code='751')"
            ".order_by('pk').values_list('pk', flat=True)[:5000]))",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    ids = [i for i in ids if i.isdigit()]
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "forsyn.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "1",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(1)
        headers = {"Authorization": f"Bearer {token}"}
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)

        def get(citizen_id: str) -> float:
            started = time.perf_counter()
            conn.request("GET", f"/api/v1/citizens/{citizen_id}/grants", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"unexpected status {response.status}")
            return (time.perf_counter() - started) * 1000

        for _ in range(200):
            get(rng.choice(ids))
        times = sorted(get(rng.choice(ids)) for _ in range(args.requests))
        p50 = statistics.median(times)
        p95 = times[int(len(times) * 0.95) - 1]
        p99 = times[int(len(times) * 0.99) - 1]
        print(
            f"GET /citizens/{{id}}/grants: {len(times)} requests, p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
