"""The demo's mail: files under var/mail/ that only their owner can read (receipts name a
citizen's health products)."""

import os
from typing import Any

from django.core.mail.backends.filebased import EmailBackend


class PrivateFileBackend(EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        os.chmod(self.file_path, 0o700)

    def open(self) -> bool | None:
        opened = super().open()
        if opened:
            # Django's file backend names the file it opened in _get_filename().
            os.chmod(self._get_filename(), 0o600)  # type: ignore[attr-defined]
        return opened
