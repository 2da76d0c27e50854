"""The admin site: Django's, behind the second factor, with "View on site" opening the site the
editor is using.

A session that has passed only the password is not let in (has_permission): every admin view, and
every view wrapped in admin_view (the story form's JSON endpoints too), sends it to the login,
which sends it on to the key step, or to adding a key (newsroom/accounts/second_factor.py).

Django's own "View on site" prefixes the Sites framework's domain ("example.com" until someone
edits it). Here a page's address is on SITE_URL when production sets one, else on the host the
editor's browser already uses (a relative address).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from newsroom.accounts import second_factor
from newsroom.core.addresses import on_site


class NewsroomAdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} administration"
    site_title = settings.SITE_NAME

    def has_permission(self, request):
        return super().has_permission(request) and second_factor.step_left(request.user) is None

    def login(self, request, extra_context=None):
        step = second_factor.step_left(request.user)
        if request.method == "GET" and step and request.user.is_staff:
            next_url = LoginView().get_redirect_url(request) or reverse("admin:index", current_app=self.name)
            return HttpResponseRedirect(second_factor.step_address(step, next_url))
        return super().login(request, extra_context)

    def get_urls(self):
        replaced = {
            "view_on_site": path(
                "r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
            ),
            # Signing out works whatever step the session is at (admin_view would send it to the key).
            "logout": path("logout/", never_cache(self.logout), name="logout"),
        }
        return [replaced.get(getattr(url, "name", None), url) for url in super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            content_type = ContentType.objects.get_for_id(content_type_id)
            thing = content_type.get_object_for_this_type(pk=object_id)
        except (ObjectDoesNotExist, ValueError):
            raise Http404(f"Nothing with ID “{object_id}” to show on the site.") from None
        if not hasattr(thing, "get_absolute_url"):
            raise Http404(f"A {content_type.name} has no page on the site.")
        return HttpResponseRedirect(on_site(thing.get_absolute_url()))
