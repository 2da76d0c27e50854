from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsroom.stories"
    verbose_name = "Stories"

    def ready(self):
        from django.db.models.signals import post_save

        from newsroom.stories.models import Story

        post_save.connect(_story_saved, sender=Story, dispatch_uid="stories-link-waiting-related")


def _story_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A bulk load (fixtures, a bundle) carries its links already; a save that left the
    # headline alone cannot match a waiting headline it did not match before.
    if raw or (update_fields is not None and "headline" not in update_fields):
        return
    from newsroom.stories.services import link_waiting_related

    link_waiting_related(instance)
