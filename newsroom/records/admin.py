"""Pages kept before a change, in the admin: read-only, for everyone who may read a story's history.

Each can be opened as it was (the kept HTML with the photo copies kept with it, served sandboxed: no
script runs and no form is sent) or downloaded as its WARC file, which replay tools such as ReplayWeb.page open.
"""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.csp import csp_override

from newsroom.core.admin_lists import DateHierarchyAdmin
from newsroom.core.apstyle import ap_datetime
from newsroom.records.models import PageSnapshot
from newsroom.records.snapshots import kept_copy, kept_response, media_pattern, unchanged
from newsroom.website.audit import Site

# The kept page under the site's policy, sandboxed: no script of it runs and no form of it is sent.
# It keeps its origin (allow-same-origin, harmless without allow-scripts) so that its styles, fonts
# and the photo copies kept with it load from this site as they did for readers.
KEPT_PAGE_POLICY = {**settings.SECURE_CSP, "sandbox": ["allow-same-origin"]}
# Headers of the kept response that are about the original answer, not this one.
NOT_REPLAYED = {
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "set-cookie",
    "cache-control",
    "etag",
    "last-modified",
    "vary",
    "expires",
}


@admin.register(PageSnapshot)
class PageSnapshotAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    list_display = ["headline", "change", "taken_at", "taken_by", "status_code", "opened"]
    list_filter = ["change"]
    search_fields = ["headline", "address", "reason"]
    date_hierarchy = "taken_at"
    list_select_related = ["taken_by"]
    show_full_result_count = False
    fields = [
        "headline",
        "address",
        "change",
        "reason",
        "taken_at",
        "taken_by",
        "story_link",
        "story_version",
        "status_code",
        "opened",
        "size",
        "sha256",
        "integrity",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a public record: kept for good

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/page/", wrap(csp_override(KEPT_PAGE_POLICY)(self.page_view)), name="records_pagesnapshot_page"
            ),
            path("<int:pk>/warc/", wrap(self.warc_view), name="records_pagesnapshot_warc"),
            path("<int:pk>/copies/<path:name>", wrap(self.copy_view), name="records_pagesnapshot_copy"),
            *super().get_urls(),
        ]

    @admin.display(description="Open")
    def opened(self, snapshot):
        return format_html(
            '<a href="{}">The page as it was<span class="visually-hidden"> ({})</span></a> · '
            '<a href="{}" download>WARC file<span class="visually-hidden"> ({})</span></a>',
            reverse("admin:records_pagesnapshot_page", args=[snapshot.pk]),
            snapshot.headline,
            reverse("admin:records_pagesnapshot_warc", args=[snapshot.pk]),
            snapshot.headline,
        )

    @admin.display(description="Story")
    def story_link(self, snapshot):
        if snapshot.story_id is None:
            return "Deleted since"
        return format_html(
            '<a href="{}">Revision {} onward in its history</a>',
            reverse("admin:stories_story_revisions", args=[quote(snapshot.story_id)]),
            snapshot.before_revision,
        )

    @admin.display(description="Unchanged since kept")
    def integrity(self, snapshot):
        try:
            same = unchanged(snapshot)
        except FileNotFoundError:
            return "No: the file is missing from the records storage."
        return (
            "Yes: its SHA-256 is the one recorded." if same else "No: the file's SHA-256 differs from the one recorded."
        )

    def _snapshot(self, request, pk) -> PageSnapshot:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(PageSnapshot, pk=pk)

    def page_view(self, request, pk):
        snapshot = self._snapshot(request, pk)
        try:
            headers, body = kept_response(snapshot)
        except FileNotFoundError:
            raise Http404("The kept file is missing from the records storage.") from None
        if (headers.get_header("Content-Type") or "").startswith("text/html"):
            # Its photos from the copies kept with it, which may have left public storage since.
            prefix = reverse("admin:records_pagesnapshot_copy", args=[snapshot.pk, "-"])[:-1]
            page = media_pattern(Site()).sub(lambda match: prefix + match.group(1), body.decode("utf-8", "replace"))
            body = _with_kept_notice(page, snapshot).encode()
        response = HttpResponse(body, status=int(headers.get_statuscode()))
        for name, value in headers.headers:
            if name.lower() not in NOT_REPLAYED and not name.lower().startswith("content-security-policy"):
                response[name] = value
        response["Cache-Control"] = "private, no-store"
        return response

    def warc_view(self, request, pk):
        snapshot = self._snapshot(request, pk)
        try:
            stream = snapshot.file.open("rb")
        except FileNotFoundError:
            raise Http404("The kept file is missing from the records storage.") from None
        name = snapshot.file.name.rsplit("/", 1)[-1]
        response = FileResponse(stream, as_attachment=True, filename=name, content_type="application/warc")
        response["Cache-Control"] = "private, no-store"
        return response

    def copy_view(self, request, pk, name):
        snapshot = self._snapshot(request, pk)
        try:
            found = kept_copy(snapshot, name)
        except FileNotFoundError:
            found = None
        if found is None:
            raise Http404("No such photo copy was kept with this page.")
        content_type, body = found
        response = HttpResponse(body, content_type=content_type or "application/octet-stream")
        response["Cache-Control"] = "private, max-age=3600"
        return response


_OPENS = [re.compile(r"<main\b[^>]*>", re.IGNORECASE), re.compile(r"<body\b[^>]*>", re.IGNORECASE)]


def _with_kept_notice(page: str, snapshot: PageSnapshot) -> str:
    """The kept page with a notice at the top of its main content saying what it is, so that nobody
    takes it for the live site (only on this view: the WARC file is as readers got it)."""
    notice = format_html(
        '<div class="usa-alert usa-alert--warning newsroom-preview-notice" role="region" aria-label="Kept page">'
        '<div class="usa-alert__body"><p class="usa-alert__text"><strong>Kept page.</strong> This is the page as '
        "readers got it on {}, kept before it was {}. It is not the live site: its links lead to the site as it is "
        "now.</p></div></div>",
        ap_datetime(snapshot.taken_at),
        snapshot.get_change_display().lower(),
    )
    for opening in _OPENS:  # at the top of its main content, else of its body
        found = opening.search(page)
        if found:
            return page[: found.end()] + notice + page[found.end() :]
    return notice + page
