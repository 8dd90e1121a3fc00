"""The chain is keyed (HMAC, docs/adr/0010); PostgreSQL refuses TRUNCATE of the log and DELETE or
TRUNCATE of its head.

Entries written before keep key_id "" and their plain SHA-256: they stay where they are (the log
is never rewritten) and the first keyed entry's MAC covers the last of them.

TRUNCATE is allowed only in a session that sets `forsyn.allow_audit_truncate = on`: the test
suite's connections do, because Django empties the database between transactional tests with
TRUNCATE. It grants nothing new: only the owner may TRUNCATE at all, and the owner could as well
drop the trigger. What protects the log against its owner is the key and the checkpoints.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION forsyn_accesslog_no_truncate() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('forsyn.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslogentry_no_truncate
    BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION forsyn_accesslog_no_truncate();
CREATE TRIGGER audit_accessloghead_no_truncate
    BEFORE TRUNCATE ON audit_accessloghead
    FOR EACH STATEMENT EXECUTE FUNCTION forsyn_accesslog_no_truncate();
CREATE TRIGGER audit_accessloghead_no_delete
    BEFORE DELETE ON audit_accessloghead
    FOR EACH ROW EXECUTE FUNCTION forsyn_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accessloghead_no_delete ON audit_accessloghead;
DROP TRIGGER IF EXISTS audit_accessloghead_no_truncate ON audit_accessloghead;
DROP TRIGGER IF EXISTS audit_accesslogentry_no_truncate ON audit_accesslogentry;
DROP FUNCTION IF EXISTS forsyn_accesslog_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]
    operations = [
        migrations.RenameField("accesslogentry", "prev_hash", "prev_mac"),
        migrations.RenameField("accesslogentry", "entry_hash", "entry_mac"),
        migrations.RenameField("accessloghead", "last_hash", "last_mac"),
        migrations.AddField(
            model_name="accesslogentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(forwards, backwards),
    ]
