"""A flag's numbers kept beside its English text, so pages show the reason in Danish; rows
flagged before get their numbers read back from the text."""

import re

from django.db import migrations, models

FLAG = re.compile(
    r"^price per piece (?P<price>-?[\d.]+) is (?P<ratio>[\d.]+) × the median "
    r"(?P<median>-?[\d.]+) for this product: check the unit$"
)


def read_back(apps, schema_editor):
    ConsumptionRow = apps.get_model("economics", "ConsumptionRow")
    for row in ConsumptionRow.objects.exclude(flag="").only("pk", "flag").iterator():
        match = FLAG.match(row.flag)
        if match:
            ConsumptionRow.objects.filter(pk=row.pk).update(flag_params=match.groupdict())


class Migration(migrations.Migration):
    dependencies = [("economics", "0002_consumption_upload")]

    operations = [
        migrations.AddField(
            model_name="consumptionrow",
            name="flag_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(read_back, migrations.RunPython.noop),
    ]
