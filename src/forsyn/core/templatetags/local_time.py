"""Times and dates as Danish users read them (issue #9 §6): `{{ order.placed_at|local_datetime }}`
→ "25.11.2026 14:03" in Copenhagen time, `|local_datetime:"seconds"` → "25.11.2026 14:03:07"
(the access log), `{{ grant.valid_from|local_date }}` → "15.01.2025". Never ISO 8601 on a page:
that is for the API. In core, so every app's templates may load it."""

import datetime as dt

from django import template
from django.utils import dateformat, timezone

register = template.Library()

DATE = "d.m.Y"
DATETIME = "d.m.Y H:i"
DATETIME_SECONDS = "d.m.Y H:i:s"


@register.filter
def local_datetime(value: dt.datetime | None, precision: str = "") -> str:
    if value is None or value == "":
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return dateformat.format(moment, DATETIME_SECONDS if precision == "seconds" else DATETIME)


@register.filter
def local_date(value: dt.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATE)
