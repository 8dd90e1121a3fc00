"""The access context: who acts, through which channel, and why (issue #9 §1, docs/adr/0020).

One frozen value, built once per request (pages: `context_for_request`; the JSON API: its
bearer authentication, channel `api`), per management command (channel `cli`) and per
background task (channel `task`). Every read or write of personal data takes it; the policy
(`forsyn.access.policy`) answers from it and the access log records its channel and purpose.

It holds plain values, not the user object: the policy reasons over roles and the organisation
without touching the database, services write `actor_id=ctx.user_id`, and a test builds one
with `AccessContext.for_user(user, channel=Channel.PAGE)`.
"""

import dataclasses
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from forsyn.audit.choices import AccessChannel
from forsyn.core.api import purpose_of
from forsyn.core.errors import PermissionDenied

# The channels of the access log are the channels a context acts through: one vocabulary.
Channel = AccessChannel

# The request attribute the context is kept in for the rest of the request.
REQUEST_ATTRIBUTE = "forsyn_access_context"


@dataclass(frozen=True, slots=True)
class AccessContext:
    """Who acts (a staff user, a citizen or representative logged in through NemLog-in, or
    nobody), the channel and the stated purpose. Frozen: a changed purpose is a new value
    (`with_purpose`). The portal CPR number is kept out of `repr`, so it never reaches a log."""

    channel: AccessChannel
    user_id: int | None = None
    username: str = ""
    full_name: str = ""
    organisation_id: int | None = None
    organisation_kind: str | None = None  # an access.roles.OrganisationKind value
    organisation_name: str = ""
    roles: frozenset[str] = frozenset()
    is_portal: bool = False
    portal_cpr: str = field(default="", repr=False)
    purpose: str | None = None

    @classmethod
    def for_user(
        cls,
        user: AbstractBaseUser | AnonymousUser | None,
        *,
        channel: AccessChannel,
        purpose: str | None = None,
    ) -> "AccessContext":
        """The context of `user` (a staff or portal user; anonymous or None acts as nobody).
        Reads the user's roles and organisation once (cached on the user object)."""
        if user is None or not user.is_authenticated:
            return cls(channel=channel, purpose=purpose)
        organisation = getattr(user, "organisation", None)
        role_set = getattr(user, "role_set", None)
        cpr = str(getattr(user, "cpr", "") or "")
        is_portal = bool(cpr) and organisation is None
        full_name = getattr(user, "get_full_name", None)
        return cls(
            channel=channel,
            user_id=int(user.pk),
            username=user.get_username(),
            full_name=str(full_name()) if callable(full_name) else "",
            organisation_id=organisation.pk if organisation is not None else None,
            organisation_kind=str(organisation.kind) if organisation is not None else None,
            organisation_name=str(organisation.name) if organisation is not None else "",
            roles=frozenset(role_set()) if callable(role_set) and not is_portal else frozenset(),
            is_portal=is_portal,
            portal_cpr=cpr if is_portal else "",
            purpose=purpose,
        )

    @classmethod
    def system(cls, *, channel: AccessChannel, purpose: str | None = None) -> "AccessContext":
        """Nobody in particular: a scheduled task or a command run without a user. The policy
        gives it no personal data."""
        return cls(channel=channel, purpose=purpose)

    def with_purpose(self, purpose: str | None) -> "AccessContext":
        """The same context with another stated purpose (None: none stated)."""
        if purpose == self.purpose:
            return self
        return dataclasses.replace(self, purpose=purpose)

    def with_channel(self, channel: AccessChannel) -> "AccessContext":
        if channel == self.channel:
            return self
        return dataclasses.replace(self, channel=channel)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def acting_user_id(self) -> int:
        """The acting user's id for a record that must name one (a receipt, a stock move).
        Nobody may not act: PermissionDenied (the policy refuses such a context earlier)."""
        if self.user_id is None:
            raise PermissionDenied
        return self.user_id

    @property
    def display_name(self) -> str:
        """The name shown where an order says who placed it: the full name, else the username."""
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def context_for_request(
    request: HttpRequest, *, channel: AccessChannel = AccessChannel.PAGE
) -> AccessContext:
    """The request's context, built once and kept on the request. The JSON API's authentication
    builds it first (channel `api`), so an API request never gets a page context. A request
    whose user changed since (a log-in) gets a fresh one."""
    user = getattr(request, "user", None)
    cached: AccessContext | None = getattr(request, REQUEST_ATTRIBUTE, None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    if cached is not None and cached.user_id == user_id:
        return cached
    ctx = AccessContext.for_user(user, channel=channel)
    setattr(request, REQUEST_ATTRIBUTE, ctx)
    return ctx


def remember_context(request: HttpRequest, ctx: AccessContext) -> AccessContext:
    """Keep `ctx` as the request's context (the API's authentication calls this)."""
    setattr(request, REQUEST_ATTRIBUTE, ctx)
    return ctx


def api_context(request: HttpRequest, purpose: str | None = None) -> AccessContext:
    """The context of a JSON API request that reads or writes personal data: the one the bearer
    authentication built (channel `api`, the X-Purpose header's purpose), with the purpose of
    the request body when it states one. A purpose in the query string is refused (422): URLs
    end up in logs."""
    stated = purpose_of(request, purpose)
    return context_for_request(request, channel=AccessChannel.API).with_purpose(stated)
