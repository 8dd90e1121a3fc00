"""Portal users' usernames no longer carry the CPR number: `cpr-<cpr>` becomes `borger-<random>`
(the CPR stays in `User.cpr`, where log-in looks it up). One portal user per CPR number."""

import secrets

from django.db import migrations, models


def rename_cpr_usernames(apps, schema_editor):
    User = apps.get_model("organisations", "User")
    for user in User.objects.filter(username__startswith="cpr-").only("pk", "username"):
        username = "borger-" + secrets.token_hex(8)
        while User.objects.filter(username=username).exists():
            username = "borger-" + secrets.token_hex(8)
        User.objects.filter(pk=user.pk).update(username=username)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_user_cpr"),
    ]

    operations = [
        migrations.RunPython(rename_cpr_usernames, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("organisation__isnull", True), models.Q(("cpr", ""), _negated=True)),
                fields=("cpr",),
                name="user_portal_cpr_unique",
            ),
        ),
    ]
