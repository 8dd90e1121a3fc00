"""Reference data: Denmark's 5 regions and 98 municipalities with their official codes."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    with (DATA / "regions.csv").open(encoding="utf-8") as f:
        regions = {
            row["code"]: Organisation.objects.update_or_create(
                kind="region", code=row["code"], defaults={"name": row["name"]}
            )[0]
            for row in csv.DictReader(f)
        }
    with (DATA / "municipalities.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Organisation.objects.update_or_create(
                kind="municipality",
                code=row["code"],
                defaults={"name": f"{row['name']} Kommune", "region": regions[row["region_code"]]},
            )


def unload(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Organisation.objects.filter(kind="municipality").delete()
    Organisation.objects.filter(kind="region").delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
