from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class LegalBasis(models.TextChoices):
    SEL_112 = "sel_112", _("Social Services Act §112 (permanent need)")
    HOSPITAL_TEMPORARY = "hospital_temporary", _("Hospital, temporary supply")


class GrantEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    STATUS = "status", _("Status changed")
    LINE_ADDED = "line_added", _("Line added")
    LINE_CHANGED = "line_changed", _("Line changed")
    LINE_REMOVED = "line_removed", _("Line removed")


# Which status may follow which. Ended is final.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    GrantStatus.DRAFT: frozenset({GrantStatus.ACTIVE, GrantStatus.ENDED}),
    GrantStatus.ACTIVE: frozenset({GrantStatus.SUSPENDED, GrantStatus.ENDED}),
    GrantStatus.SUSPENDED: frozenset({GrantStatus.ACTIVE, GrantStatus.ENDED}),
    GrantStatus.ENDED: frozenset(),
}
