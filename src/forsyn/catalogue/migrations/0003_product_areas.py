"""Reference data: the product areas of the shared solution."""

from django.db import migrations

AREAS = [
    ("stoma", "Stomi", "Stoma"),
    ("urology", "Urologi og kontinens", "Urology and continence"),
    ("wound_care", "Sårpleje", "Wound care"),
    ("diabetes", "Diabetes", "Diabetes"),
    ("clinical_nutrition", "Klinisk ernæring", "Clinical nutrition"),
]


def load(apps, schema_editor):
    ProductArea = apps.get_model("catalogue", "ProductArea")
    for code, name_da, name_en in AREAS:
        ProductArea.objects.update_or_create(
            code=code, defaults={"name_da": name_da, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
