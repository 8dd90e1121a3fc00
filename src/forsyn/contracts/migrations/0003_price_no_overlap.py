"""On PostgreSQL no two price entries of one product overlap in time (exclusion constraint)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE contracts_pricelistentry ADD CONSTRAINT price_no_overlap
    EXCLUDE USING gist (product_id WITH =, daterange(valid_from, valid_until, '[)') WITH &&);
"""

DROP = "ALTER TABLE contracts_pricelistentry DROP CONSTRAINT IF EXISTS price_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
