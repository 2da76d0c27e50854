"""The admin site: Django's, with "View on site" opening the site the editor is using.

Django's own "View on site" prefixes the Sites framework's domain ("example.com" until someone
edits it). Here a page's address is on SITE_URL when production sets one, else on the host the
editor's browser already uses (a relative address).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseRedirect
from django.urls import path

from newsroom.core.addresses import on_site


class NewsroomAdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} administration"
    site_title = settings.SITE_NAME

    def get_urls(self):
        view = path(
            "r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [view if getattr(url, "name", None) == "view_on_site" else url for url in super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            content_type = ContentType.objects.get_for_id(content_type_id)
            thing = content_type.get_object_for_this_type(pk=object_id)
        except (ObjectDoesNotExist, ValueError):
            raise Http404(f"Nothing with ID “{object_id}” to show on the site.") from None
        if not hasattr(thing, "get_absolute_url"):
            raise Http404(f"A {content_type.name} has no page on the site.")
        return HttpResponseRedirect(on_site(thing.get_absolute_url()))
