from django.db import models


class UsedAssertion(models.Model):
    """A SAML assertion that logged someone in, kept until it expires so that it is accepted
    once (docs/adr/0012). A table, not the cache: every gunicorn worker sees it, and the unique
    constraint decides a race between two posts of the same response."""

    assertion_id = models.CharField(max_length=256, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.assertion_id
