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
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

        from newsroom.archive.models import Collection
        from newsroom.feedback.models import AccessibilityStatement, KnownLimitation
        from newsroom.photos.models import PhotoAsset
        from newsroom.stories.models import Correction, PhotoPlacement, Story, Tag
        from newsroom.website import caching, checks  # noqa: F401

        # Everything a reader's page is made from: a change to any of it retires the pages that show it.
        pre_save.connect(caching.story_will_change, sender=Story, dispatch_uid="pages-Story-before-save")
        pre_delete.connect(caching.story_will_change, sender=Story, dispatch_uid="pages-Story-before-delete")
        post_save.connect(caching.story_saved, sender=Story, dispatch_uid="pages-Story-save")
        post_delete.connect(caching.story_deleted, sender=Story, dispatch_uid="pages-Story-delete")
        # The statement's page says nothing of what it shows, so any change retires it, its own too.
        statement = (AccessibilityStatement, KnownLimitation)
        for model in (PhotoAsset, PhotoPlacement, Correction, Tag, Collection, FlatPage, Redirect, *statement):
            post_save.connect(caching.content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
            post_delete.connect(caching.content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-delete")
        m2m_changed.connect(caching.story_tags_changed, sender=Story.tags.through, dispatch_uid="pages-story-tags")
        m2m_changed.connect(
            caching.related_changed, sender=Story.related_stories.through, dispatch_uid="pages-related-stories"
        )


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
