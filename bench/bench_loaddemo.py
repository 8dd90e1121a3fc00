"""Benchmark: `forsyn loaddemo --scale national` on a fresh PostgreSQL database.

Run: .venv/bin/python bench/bench_loaddemo.py [--db forsyn_bench] [--scale national]
Prints wall time and the peak resident memory of the loaddemo process. Target (issue #2):
at most 5 minutes and at most 1.5 GB on the 2-core machine.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="forsyn_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()
    subprocess.run(
        ["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.db], check=True
    )
    subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.db], check=True)
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@{args.host}:5432/{args.db}",
        # Production refuses to run without an access log key (forsyn.E002); throwaway values.
        FORSYN_AUDIT_KEY="bench-audit-key-not-for-any-real-deployment-0123456789",
    )
    subprocess.run([str(BIN / "forsyn"), "migrate", "--verbosity", "0"], check=True, env=env)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "forsyn"), "loaddemo", "--scale", args.scale, "--seed", args.seed],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"loaddemo --scale {args.scale}: {elapsed:.1f} s, peak RSS {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
