"""Input errors of the economics calculations: one line naming the field."""

from forsyn.core.errors import Param
from forsyn.economics.error_codes import ErrorCode


class InputError(ValueError):
    """Bad input. `field` is a JSON path such as `parties[3].region`; `code` an ErrorCode whose
    message holds %(name)s placeholders filled from `params`, so pages can translate it."""

    def __init__(self, field: str, code: ErrorCode, params: dict[str, Param] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        error = code.error(**self.params)
        text = error.english()
        super().__init__(f"{field}: {text}")
        self.field = field
        self.message = text
        self.template = code.message
        self.error = error
        # Every problem of the input, this one first (a validation finds them all).
        self.problems: list[InputError] = [self]
