"""Domain errors: raised by services, turned into 422 (API) or form errors (pages).

Each field's problem is a `FieldError`: a stable code (one `ErrorCode` enum per app, in its
`error_codes.py`), an English message with named %(placeholders)s, marked for translation, and
the parameters. The API sends the English text with the code and parameters; pages render the
message in the reader's language (docs/adr/0018).
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext

# A parameter: a value (GTIN, number) or a lazy label (a status), rendered in the reader's
# language on pages and in English in the API.
Param = str | int | Promise


@dataclass(frozen=True)
class FieldError:
    """One field's problem: `message` is an English msgid (gettext_noop) with %(name)s
    placeholders filled from `params`."""

    code: str
    message: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def text(self) -> str:
        """The message in the active language."""
        if not self.params:
            return gettext(self.message)
        return gettext(self.message) % {k: _plain(v) for k, v in self.params.items()}

    def english(self) -> str:
        """The message in English (the API's `msg`)."""
        with translation.override("en"):
            return self.message % self.english_params() if self.params else self.message

    def english_params(self) -> dict[str, str | int]:
        """The parameters as the API sends them: numbers stay numbers, labels in English."""
        with translation.override("en"):
            return {k: _plain(v) for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.text()


def _named(da: str, en: str) -> str:
    return da if (translation.get_language() or "").startswith("da") else en


# A name kept in both languages (a product area's name_da and name_en) as a parameter.
bilingual = lazy(_named, str)


def _plain(value: Param) -> str | int:
    return value if isinstance(value, int) else str(value)


class ErrorCodes(enum.StrEnum):
    """Base of each app's `ErrorCode`: a member is `NAME = "code", gettext_noop("message")`;
    `ErrorCode.NAME.error(param=value)` is the FieldError."""

    message: str

    def __new__(cls, value: str, message: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.message = message
        return member

    def error(self, **params: Param) -> FieldError:
        return FieldError(str(self), self.message, params)


Problems = Mapping[str, FieldError | Sequence[FieldError]]


class DomainError(Exception):
    """A rejected request. `fields` maps a field name to its problem(s); `problems` lists them
    as (field, FieldError) pairs in order."""

    def __init__(self, message: str, *, code: str, fields: Problems | None = None):
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.problems: list[tuple[str, FieldError]] = [
            (name, err)
            for name, value in (fields or {}).items()
            for err in ([value] if isinstance(value, FieldError) else value)
        ]

    @property
    def fields(self) -> dict[str, FieldError]:
        """The first problem of each field."""
        first: dict[str, FieldError] = {}
        for name, err in self.problems:
            first.setdefault(name, err)
        return first

    def english_fields(self) -> dict[str, str]:
        """The first problem of each field in English (logs, job runs, tests)."""
        return {name: err.english() for name, err in self.fields.items()}

    def texts(self) -> list[str]:
        """Every problem in the active language (for a page's messages)."""
        return [err.text() for _, err in self.problems]


class NotFound(Exception):
    """Nothing the caller may see: missing, or outside the caller's access."""


class PermissionDenied(Exception):
    """The caller may see the object but not do this to it."""
