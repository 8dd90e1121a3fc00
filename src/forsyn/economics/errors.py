"""Input errors of the economics calculations: one line naming the field."""


class InputError(ValueError):
    """Bad input. `field` is a JSON path such as `parties[3].region`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
