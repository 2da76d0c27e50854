"""Mounted under /admin/editing/; every view is an admin view (staff only, CSRF-checked, never cached).

What the story form's page asks on its own (the heartbeat, the leaving beacon, the look for a
working copy as it opens) is not the person's activity: an idle open tab does not keep its session
alive. Autosave is, as it sends only text that was typed.
"""

from django.contrib import admin
from django.urls import path

from newsroom.accounts.sessions import not_activity
from newsroom.editing import views

app_name = "editing"


def staff(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("new/working-copy/", staff(not_activity(views.working_copy)), name="new_working_copy"),
    path("new/autosave/", staff(views.autosave), name="new_autosave"),
    path("new/discard/", staff(views.discard), name="new_discard"),
    path("<int:story_id>/working-copy/", staff(not_activity(views.working_copy)), name="working_copy"),
    path("<int:story_id>/autosave/", staff(views.autosave), name="autosave"),
    path("<int:story_id>/discard/", staff(views.discard), name="discard"),
    path("<int:story_id>/heartbeat/", staff(not_activity(views.heartbeat)), name="heartbeat"),
    path("<int:story_id>/leave/", staff(not_activity(views.leave)), name="leave"),
    path("<int:story_id>/take-over/", staff(views.take_over), name="take_over"),
]
