"""Writing the access log from an access context: the entry's actor, channel and purpose all come
from the context (the purpose settled by the policy), so no caller can log an API read as a page
or forget the purpose. Selectors and services call this, not `audit.services.access_log`."""

from collections.abc import Sequence

from forsyn.access import policy
from forsyn.access.context import AccessContext
from forsyn.audit.choices import AccessAction
from forsyn.audit.models import AccessLogEntry
from forsyn.audit.services import access_log


def log_access(
    ctx: AccessContext,
    *,
    citizen_ids: Sequence[int],
    action: AccessAction,
    resource: str,
) -> list[AccessLogEntry]:
    """One chained entry per citizen for what `ctx` did (`action`) where (`resource`). Raises
    DomainError (`purpose`) when `ctx` must state a purpose and did not."""
    return access_log(
        ctx=ctx,
        citizen_ids=citizen_ids,
        action=action,
        resource=resource,
        purpose=policy.purpose_for(ctx),
    )
