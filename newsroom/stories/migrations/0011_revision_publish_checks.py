from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stories", "0010_correction_plural")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="publish_checks",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
