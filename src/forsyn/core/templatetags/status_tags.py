"""`{% status_tag order.status order.get_status_display %}`: a status as a DKFDS badge whose
colour follows its meaning (forsyn.core.status)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from forsyn.core.status import badge_class

register = template.Library()


@register.simple_tag
def status_tag(status: str, label: object = None) -> SafeString:
    return format_html(
        '<strong class="{} forsyn-status" data-status="{}">{}</strong>',
        badge_class(str(status)),
        status,
        label if label is not None else status,
    )
