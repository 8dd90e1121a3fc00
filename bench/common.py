"""Helpers shared by the benchmark scripts (run as `python bench/NAME.py`)."""

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def forsyn(env: dict[str, str], *args: str) -> str:
    """Run the `forsyn` command in the benchmark's environment and return its output."""
    return subprocess.run(
        [str(BIN / "forsyn"), *args], check=True, env=env, capture_output=True, text=True
    ).stdout
