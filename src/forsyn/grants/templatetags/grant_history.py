"""A grant history entry in the reader's language, from its kind and changes (issue #9 §4):
the stored summary is a Danish note for the record, with status codes in it."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forsyn.grants.choices import GrantEventKind, GrantStatus
from forsyn.grants.models import Grant, GrantEvent

register = template.Library()


def _status(value: object) -> str:
    return str(GrantStatus(value).label) if value in GrantStatus.values else str(value)


def _field(name: str) -> str:
    try:
        field = Grant._meta.get_field(name)
    except FieldDoesNotExist:
        return _("lines") if name == "lines" else name
    return str(getattr(field, "verbose_name", name))


@register.filter
def event_text(event: GrantEvent) -> str:
    changes = event.changes if isinstance(event.changes, dict) else {}
    # Line events name the line as the summary does ("Linje tilføjet: <what>").
    what = event.summary.partition(": ")[2]
    if event.kind == GrantEventKind.CREATED:
        count = len(changes.get("lines", []))
        return ngettext(
            "Grant created (%(status)s) with %(count)s line",
            "Grant created (%(status)s) with %(count)s lines",
            count,
        ) % {"status": _status(changes.get("status", "")), "count": count}
    if event.kind == GrantEventKind.STATUS and len(changes.get("status", [])) == 2:
        before, after = changes["status"]
        return _("Status: %(before)s → %(after)s") % {
            "before": _status(before),
            "after": _status(after),
        }
    if event.kind == GrantEventKind.CHANGED:
        return _("Changed: %(fields)s") % {"fields": ", ".join(_field(k) for k in sorted(changes))}
    if event.kind == GrantEventKind.LINE_ADDED:
        return _("Line added: %(what)s") % {"what": what}
    if event.kind == GrantEventKind.LINE_CHANGED:
        return _("Line changed: %(what)s") % {"what": what}
    if event.kind == GrantEventKind.LINE_REMOVED:
        return _("Line removed: %(what)s") % {"what": what}
    return event.summary
