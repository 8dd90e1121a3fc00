"""Domain errors: raised by services, turned into 422 (API) or form errors (pages)."""

from collections.abc import Mapping


class DomainError(Exception):
    """A rejected request. `fields` maps a field name to its message(s)."""

    def __init__(self, message: str, *, code: str, fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = dict(fields or {})


class NotFound(Exception):
    """Nothing the caller may see: missing, or outside the caller's access."""


class PermissionDenied(Exception):
    """The caller may see the object but not do this to it."""
