"""On PostgreSQL the stock-move ledger refuses UPDATE and DELETE, whoever asks."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION forsyn_stockmove_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the stock-move ledger is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fulfilment_stockmove_append_only
    BEFORE UPDATE OR DELETE ON fulfilment_stockmove
    FOR EACH ROW EXECUTE FUNCTION forsyn_stockmove_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS fulfilment_stockmove_append_only ON fulfilment_stockmove;
DROP FUNCTION IF EXISTS forsyn_stockmove_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("fulfilment", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
