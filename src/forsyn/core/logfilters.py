"""Log filters: no CPR number reaches a log line, whatever wrote it.

forsyn never puts a CPR number in a URL, but a client may (`GET /api/v1/citizens?cpr=…` is
refused with 422, and the server's request log would still repeat the URL). This filter sits on
every handler and masks any valid CPR number (10 digits, or ddmmyy-xxxx, with a valid date) in
the formatted message."""

import logging
import re

from stdnum.dk import cpr

CPR_RUN = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


def mask_cpr(text: str) -> str:
    def mask(match: re.Match[str]) -> str:
        number = match[1] + match[2]
        return "<CPR>" if cpr.is_valid(number) else match[0]

    return CPR_RUN.sub(mask, text)


class MaskCpr(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_cpr(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class DenialWithoutTraceback(logging.Filter):
    """A refused page (403: a role that may not open it) is an expected answer, not a failure:
    Django logs it with the exception's traceback, which fills the server log with stack frames
    for every click on a page one's role does not cover. The line stays (who was refused where
    is worth a line); the traceback goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
