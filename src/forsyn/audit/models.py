"""The access log: who read or changed which citizen's personal data, when, how and why.

Append-only. The application never updates or deletes an entry; on PostgreSQL triggers refuse
UPDATE, DELETE and TRUNCATE (migrations 0003, 0004) and the application's database role may only
INSERT and SELECT (`forsyn dbroles grant-app-role`). Each entry carries `entry_mac` =
HMAC-SHA256 with a key kept outside the database over its own fields and the previous entry's
MAC, so a changed, forged or removed entry breaks the chain, and checkpoints outside the
database catch a cut-off end (`forsyn audit verify`, docs/adr/0010). `AccessLogHead` holds the
chain's tip; writers lock it, which orders the entries.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forsyn.audit.choices import AccessAction, AccessChannel


class AccessLogEntry(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_username = models.CharField(_("username"), max_length=150)
    actor_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # An integer, not a foreign key: the log is below the citizens app and outlives any row.
    citizen_id = models.BigIntegerField(_("citizen"), db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=AccessChannel.choices)
    resource = models.CharField(_("what"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    # Which key signed the entry (chain.key_id_for); "" for the unkeyed entries of before 0004.
    key_id = models.CharField(max_length=16, blank=True, default="")
    prev_mac = models.CharField(max_length=64)
    entry_mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["citizen_id", "-at"], name="accesslog_citizen_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username} {self.action} citizen {self.citizen_id}"


class AccessLogHead(models.Model):
    """One row (pk=1): the last sequence number and MAC of the chain."""

    last_seq = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
