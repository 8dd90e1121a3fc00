"""Exact SQL statement counts (issue #9 §7).

`assert_queries(n, call)` runs `call` once to warm up (sessions, the token's "last used" write,
content types, first-time lookups), then again under CaptureQueriesContext and asserts exactly
`n` statements, printing them on failure. A count taken cold, or compared only with another
cold count, can pass by coincidence; a warm exact count cannot.

`assert_queries_constant(n, call, grow)` pins the same `n` before and after `grow()` adds
data (more grant lines, orders, citizens): a list whose cost grows per row fails.
"""

from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

T = TypeVar("T")


def statements(call: Callable[[], T]) -> tuple[T, list[str]]:
    """What `call` returns and the SQL it ran (not warmed up)."""
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, [q["sql"] for q in ctx.captured_queries]


def _listing(sql: list[str]) -> str:
    return "\n".join(f"{i:3}. {s}" for i, s in enumerate(sql, 1))


def assert_queries(
    n: int, call: Callable[[], T], *, warmup: Callable[[], object] | None = None, label: str = ""
) -> T:
    """Run `warmup` (default: `call` itself) once, then `call` counted: exactly `n` statements
    (BEGIN/SAVEPOINT/RELEASE included, as Django logs them). Returns what `call` returned."""
    (warmup or call)()
    result, sql = statements(call)
    if len(sql) != n:
        pytest.fail(
            f"{label or 'call'}: {len(sql)} SQL statements, expected {n}:\n{_listing(sql)}",
            pytrace=False,
        )
    return result


def assert_queries_constant(
    n: int,
    call: Callable[[], T],
    grow: Callable[[], object],
    *,
    warmup: Callable[[], object] | None = None,
    label: str = "",
) -> T:
    """Exactly `n` statements warm, and still exactly `n` after `grow()` has added data."""
    assert_queries(n, call, warmup=warmup, label=f"{label} (small world)")
    grow()
    return assert_queries(n, call, warmup=warmup, label=f"{label} (after growing the world)")
