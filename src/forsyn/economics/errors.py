"""Input errors of the economics calculations: one line naming the field."""


class InputError(ValueError):
    """Bad input. `field` is a JSON path such as `parties[3].region`. `message` may hold
    %(name)s placeholders filled from `params`, so pages can translate the message."""

    def __init__(self, field: str, message: str, params: dict[str, object] | None = None) -> None:
        self.params = dict(params or {})
        text = message % self.params if self.params else message
        super().__init__(f"{field}: {text}")
        self.field = field
        self.message = text
        self.template = message
