"""Reviewer links that can be revoked (Story.preview_generation), and the photo embargo's start.

Photos used by a story readers may see now keep their copies public; every other photo is
embargoed from now on. The files themselves are not moved here (a migration that moves files
cannot be rolled back): `manage.py rebuild_renditions`, run once after this, moves the copies of
embargoed photos out of MEDIA_ROOT. Until it runs, staff still see them in the admin. Editors get
the new permission to release a photo for public use (accounts/roles.py).
"""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

from newsroom.accounts.roles import sync_roles_in_migration


def embargo_photos_no_public_story_uses(apps, schema_editor):
    PhotoAsset = apps.get_model("photos", "PhotoAsset")
    PhotoPlacement = apps.get_model("stories", "PhotoPlacement")
    now = timezone.now()
    live = PhotoPlacement.objects.filter(story__status="published", story__published_at__lte=now).filter(
        Q(story__expires_at__isnull=True) | Q(story__expires_at__gt=now)
    )
    PhotoAsset.objects.filter(pk__in=live.values("photo")).update(copies_public=True)
    # The Editors' new permission to release a photo.
    sync_roles_in_migration(apps, "photos")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0017_visible_text"),
        ("photos", "0006_embargo"),
        ("accounts", "0002_security_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="preview_generation",
            field=models.PositiveIntegerField(
                default=0, db_default=0, editable=False, verbose_name="preview link generation"
            ),
        ),
        migrations.RunPython(embargo_photos_no_public_story_uses, migrations.RunPython.noop),
    ]
