from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django_tasks_db import apps as tasks_db_apps


class WebsiteConfig(AppConfig):
    # This module also holds the static-files config, so Django must be told which is the app's.
    default = True
    name = "newsroom.website"
    verbose_name = "Public website"

    def ready(self):
        from django.contrib.flatpages.models import FlatPage
        from django.contrib.redirects.models import Redirect
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from newsroom.archive.models import Collection
        from newsroom.photos.models import PhotoAsset
        from newsroom.stories.models import Correction, PhotoPlacement, Story, Tag
        from newsroom.website import checks  # noqa: F401
        from newsroom.website.caching import content_changed

        # Everything a reader's page is made from: a change to any of it retires cached pages.
        for model in (Story, PhotoAsset, PhotoPlacement, Correction, Tag, Collection, FlatPage, Redirect):
            post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-delete")
        for through in (Story.tags.through, Story.related_stories.through):
            m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"pages-{through.__name__}")


class StaticFilesConfig(BaseStaticFilesConfig):
    """USWDS ships 2,000+ Material icon files the site never uses; leaving them out of
    collectstatic cuts its time from about 17 s to a few seconds."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "material-icons",
        "material-icons-deprecated",
        "uswds-icons",
        "uswds.js",
        "uswds-init.js",
    ]


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on Newsroom's own AdminSite (see admin_site.py)."""

    default = False
    default_site = "newsroom.website.admin_site.NewsroomAdminSite"


class TasksConfig(tasks_db_apps.TasksAppConfig):
    """Django Tasks' database queue (django-tasks-db), named in the admin for the Site
    administrators who watch it; its admin is ours (newsroom/website/task_admin.py)."""

    default = False
    verbose_name = "Background tasks"

    def ready(self):
        super().ready()
        from newsroom.website import task_admin  # noqa: F401
