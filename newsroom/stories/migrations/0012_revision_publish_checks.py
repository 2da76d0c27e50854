from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stories", "0011_story_trash")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="publish_checks",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
