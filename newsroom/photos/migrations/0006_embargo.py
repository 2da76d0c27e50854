"""Photo embargo: where each photo's public copies are (copies_public) and an Editor's release.

Every photo's copies were in MEDIA_ROOT before this, so the column starts False only as the default
for photos uploaded from now on; stories/0018 sets it from who uses each photo, and
`manage.py rebuild_renditions` then moves the files to where the column says.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0005_visible_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="photoasset",
            options={
                "get_latest_by": "created_at",
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("release_photoasset", "Can release photos for public use before a story publishes them")
                ],
                "verbose_name": "photo",
            },
        ),
        migrations.AddField(
            model_name="photoasset",
            name="copies_public",
            field=models.BooleanField(
                default=False,
                db_default=False,
                editable=False,
                help_text="Whether the public copies are in the public media folder. False while the photo is "
                "embargoed: no published story uses it and no Editor has released it.",
                verbose_name="copies public",
            ),
        ),
        migrations.AddField(
            model_name="photoasset",
            name="released_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When an Editor released the photo for public use before any story published it.",
                null=True,
                verbose_name="released for public use",
            ),
        ),
        migrations.AddField(
            model_name="photoasset",
            name="released_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="released by",
            ),
        ),
    ]
