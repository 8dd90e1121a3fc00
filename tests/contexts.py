"""Access contexts for tests: `ctx(user)` is what a page request of `user` acts with."""

from typing import Any

from forsyn.access.context import AccessContext, Channel


def ctx(user: Any, *, channel: Channel = Channel.PAGE, purpose: str | None = None) -> AccessContext:
    """The context of `user` (a staff or portal user, AnonymousUser or None) on `channel`."""
    return AccessContext.for_user(user, channel=channel, purpose=purpose)
