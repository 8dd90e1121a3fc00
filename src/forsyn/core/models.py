"""Plumbing every app leans on: the transactional outbox and job-run records.

Neither holds personal data: an outbox payload carries ids, a job run's parameters and result
carry codes, counts and periods. The apps above decide what an event means (`outbox.register`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Delivered")
    FAILED = "failed", _("Failed, needs attention")


class OutboxMessage(models.Model):
    """One event for one handler, written in the same transaction as the change it reports.

    A worker delivers it after commit (at least once; handlers are idempotent) and retries with
    back-off; after the last attempt it stays `failed` where an administrator sees and retries it.
    """

    topic = models.CharField(_("event"), max_length=64)
    handler = models.CharField(_("handler"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    payload = models.JSONField(_("data"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    done_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        constraints = [
            # The same event recorded twice (a retried request) is delivered once per handler.
            models.UniqueConstraint(fields=["topic", "key", "handler"], name="outbox_once"),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | ~Q(status="done") & Q(done_at__isnull=True),
                name="outbox_done_at_iff_done",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key} → {self.handler} ({self.status})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """A long or scheduled job (waves, invoice runs, statistics, checkpoints, imports): who
    started it, with what, how far it got, and how it ended."""

    kind = models.CharField(_("job"), max_length=64)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done_quantity = models.PositiveIntegerField(_("done"), default=0)
    total_quantity = models.PositiveIntegerField(_("total"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    restart_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restarts",
        verbose_name=_("restart of"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_quantity__isnull=True)
                | Q(done_quantity__lte=models.F("total_quantity")),
                name="jobrun_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.total_quantity:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, self.done_quantity * 100 // self.total_quantity)
