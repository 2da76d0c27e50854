import datetime
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.views.decorators.csp import csp_override

from newsroom.core.admin_widgets import DAYS_WITHOUT_ZONE
from newsroom.core.files import DiskFull
from newsroom.core.pagination import EstimatedCountPaginator
from newsroom.photos.chooser import chooser_page, photo_item, upload_round
from newsroom.photos.credentials import disclosure_needed, original_credentials
from newsroom.photos.forms import PREVIEW_SIZE, PhotoAssetForm, virin_date_warning
from newsroom.photos.imaging import ACTION_WORDS, UploadRefused, preview_jpeg
from newsroom.photos.models import WITHOUT_ALT_TEXT, WITHOUT_IMAGE, Copies, PhotoAsset, originals_storage
from newsroom.photos.pending import pending_name
from newsroom.photos.services import photo_save, photos_update_credit
from newsroom.photos.virin import SERVICES, parse_virin

# The start of a VIRIN, at least its date and service letter: "210614-A", "210614-a-kx193-10".
_VIRIN_START = re.compile(r"\d{6}-[A-Z](?:-[A-Z0-9]{0,5}(?:-[A-Z0-9]{0,4}(?:-[A-Z]{0,2})?)?)?", re.IGNORECASE)


def virin_prefix(term: str) -> str:
    """The VIRIN (or its start) a changelist search names, upper case as stored; "" for other words."""
    term = term.strip()
    return term.upper() if _VIRIN_START.fullmatch(term) else ""


def missing(text):
    """A gap an editor must see at a glance: an icon and a word, never a colour alone."""
    icon = static("admin/img/icon-alert.svg")
    return format_html('<strong class="photo-missing"><img src="{}" alt=""> {}</strong>', icon, text)


def thumbnail(photo, width=96, alt=""):
    """A small public copy of the photo for admin lists; never the private original. `alt` names
    the link when the thumbnail is one."""
    if not photo:
        return "—"
    if photo.copies == Copies.MAKING:  # the worker is making them: a word, never a broken picture
        return format_html('<span class="photo-copies-status" role="status">{}…</span>', photo.copies_status)
    if photo.copies == Copies.FAILED:
        return missing(photo.copies_status)
    entry = photo.renditions.get("thumb.jpg")
    if not entry:
        return missing("No image")
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        photo.public_url("thumb.jpg"),
        alt,
        width,
        round(width * entry["height"] / entry["width"]),
    )


def with_chosen_file_images(policy: dict) -> dict:
    """The Content Security Policy plus the blob: addresses a browser gives a file just chosen in
    a form, so the photo form can show it before it is sent. Nothing else needs them."""
    return {**policy, "img-src": [*policy.get("img-src", []), "blob:"]} if policy else policy


class ServiceFilter(admin.SimpleListFilter):
    title = "service"
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return [(letter, f"{letter} · {name}") for letter, name in SERVICES.items()]

    def queryset(self, request, queryset):
        # The service letter is the VIRIN's second segment: YYMMDD-S-... Only a letter offered goes
        # into the pattern: anything else typed into the address is ignored, not run as a regex.
        if self.value() not in SERVICES:
            return queryset
        return queryset.filter(virin__regex=rf"^[0-9]{{6}}-{re.escape(self.value())}-")


class YearFilter(admin.SimpleListFilter):
    """By year of one date field, as a range on its index rather than EXTRACT(year) of every row.

    The years offered run from the first date to the last (two steps on the index): a DISTINCT
    over every row would read them all.
    """

    parameter_name = "year"
    field = ""

    def year_of(self, value) -> int:
        return value.year

    def start_of_year(self, year: int):
        return datetime.date(year, 1, 1)

    def lookups(self, request, model_admin):
        span = model_admin.model.objects.aggregate(first=Min(self.field), last=Max(self.field))
        if span["first"] is None:
            return []
        first, last = self.year_of(span["first"]), self.year_of(span["last"])
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def year(self) -> int | None:
        """The year chosen: None for none, and for a value typed into the address that is no year
        the list can show (abc, 99999), which is ignored rather than a 500."""
        value = self.value() or ""
        year = int(value) if value.isascii() and value.isdigit() else None
        return year if year is not None and datetime.MINYEAR <= year < datetime.MAXYEAR else None

    def queryset(self, request, queryset):
        year = self.year()
        if year is None:
            return queryset
        return queryset.filter(
            **{
                f"{self.field}__gte": self.start_of_year(year),
                f"{self.field}__lt": self.start_of_year(year + 1),
            }
        )


class YearTakenFilter(YearFilter):
    title = "year taken"
    field = "date_taken"


class MissingFilter(admin.SimpleListFilter):
    """Photos that lack something an editor has to supply (`lacking` finds them), or that have it."""

    lacking = None
    present = ("present", "Present")  # the other choice's value and label

    def lookups(self, request, model_admin):
        return [("missing", "Missing"), self.present]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(self.lacking)
        if self.value() == self.present[0]:
            return queryset.exclude(self.lacking)
        return queryset


class AltTextFilter(MissingFilter):
    title, parameter_name = "alt text", "alt_text"
    lacking, present = WITHOUT_ALT_TEXT, ("written", "Written")


class ImageFileFilter(MissingFilter):
    title, parameter_name = "image file", "image"
    lacking = WITHOUT_IMAGE


class OriginalEditsFilter(admin.SimpleListFilter):
    """Photos whose original's Content Credentials record edits a caption must disclose."""

    title, parameter_name = "original's credentials", "original_edits"

    def lookups(self, request, model_admin):
        return [("disclose", "Edits to disclose")]

    def queryset(self, request, queryset):
        return queryset.exclude(original_edits=[]) if self.value() == "disclose" else queryset


class CreditFilter(admin.SimpleListFilter):
    title = "credit"
    parameter_name = "credit"

    def lookups(self, request, model_admin):
        return [(credit, credit) for credit in distinct_credits()]

    def queryset(self, request, queryset):
        return queryset.filter(credit=self.value()) if self.value() else queryset


def distinct_credits() -> list[str]:
    """Each credit once, in order: one step on the credit index per credit, rather than a
    DISTINCT that reads every photo in the library (a handful of credits, millions of photos)."""
    table, column = PhotoAsset._meta.db_table, PhotoAsset._meta.get_field("credit").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE credits (credit) AS (
                SELECT min({column}) FROM {table}
                UNION ALL
                SELECT (SELECT min({column}) FROM {table} WHERE {column} > credits.credit)
                FROM credits WHERE credits.credit IS NOT NULL
            )
            SELECT credit FROM credits WHERE credit IS NOT NULL AND credit <> ''
            """
        )
        return [row[0] for row in cursor.fetchall()]


def _record_field(name):
    """The photo record's own field, with its checks (length, visible characters), optional here."""
    field = PhotoAsset._meta.get_field(name)
    return field.formfield(validators=field.validators, help_text="Leave empty to keep each photo's own.")


class BulkCreditForm(forms.Form):
    photographer = _record_field("photographer")
    credit = _record_field("credit")
    add_keywords = forms.CharField(
        required=False, help_text="Comma-separated; added to each photo's keywords, none removed."
    )


@admin.register(PhotoAsset)
class PhotoAssetAdmin(admin.ModelAdmin):
    form = PhotoAssetForm
    formfield_overrides = DAYS_WITHOUT_ZONE
    list_display = ["preview", "virin", "title", "alt_text_column", "credit_line", "date_taken"]
    list_display_links = ["preview", "virin"]
    search_fields = ["virin", "title", "caption", "photographer", "keywords"]
    list_filter = [AltTextFilter, ImageFileFilter, ServiceFilter, YearTakenFilter, CreditFilter, OriginalEditsFilter]
    list_per_page = 50
    # Millions of photo records: no exact count of the whole library on every page load.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Stated here because the "used in" count groups rows, and Django drops Meta.ordering then.
    ordering = ["-created_at", "-id"]
    actions = ["edit_credit_and_keywords"]

    class Media:
        css = {"all": ["css/admin-photos.css"]}

    readonly_fields = [
        "checks",
        "camera_credentials",
        "what_the_virin_says",
        "width",
        "height",
        "file_size",
        "file_hash",
        "from_the_file",
        "uploaded_by",
        "created_at",
    ]
    # The picture first, and its alt text right beside it.
    describe = ["preview", "alt_text", "virin", "title", "caption"]
    credit = ("Credit", {"fields": ["photographer", "credit", "date_taken", "place", "keywords"]})
    about = ["what_the_virin_says", "from_the_file"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fieldsets = [(None, {"fields": ["original", "pending_upload", *self.describe]}), self.credit]
            if request.method == "POST":  # a round that read the file: what it found
                fieldsets.append(("About the file", {"fields": self.about, "classes": ["collapse"]}))
            return fieldsets
        # Checks read the saved photo: on a form with errors they would judge half-typed values.
        checks = ["checks", "camera_credentials"] if request.method == "GET" else []
        fieldsets = [(None, {"fields": [*self.describe, *checks]}), self.credit]
        if self.has_change_permission(request, obj):
            fieldsets.append(("Replace the image", {"fields": ["original", "pending_upload"]}))
        fieldsets.append(
            (
                "About the file",
                {
                    "fields": [*self.about, "width", "height", "file_size", "file_hash", "uploaded_by", "created_at"],
                    "classes": ["collapse"],
                },
            )
        )
        return fieldsets

    def get_urls(self):
        view = self.admin_site.admin_view  # staff only, never cached
        return [
            path(
                "pending/<str:token>/preview.jpg", view(self.pending_preview), name="photos_photoasset_pending_preview"
            ),
            # The story editor's photo chooser.
            path("chooser/", view(self.chooser), name="photos_photoasset_chooser"),
            path("chooser/details/", view(self.chooser_details), name="photos_photoasset_chooser_details"),
            path("chooser/upload/", view(self.chooser_upload), name="photos_photoasset_chooser_upload"),
            *super().get_urls(),
        ]

    def chooser(self, request):
        """A page of the library for the story editor: words or the start of a VIRIN, a service and
        a year taken, as the library's own search and filters read them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photos = PhotoAsset.objects.all()
        term = request.GET.get("q", "").strip()
        if term:
            photos, _ = self.get_search_results(request, photos, term)
        params = {name: request.GET.getlist(name) for name in ("service", "year") if request.GET.get(name)}
        filters = [
            ServiceFilter(request, dict(params), PhotoAsset, self),
            YearTakenFilter(request, dict(params), PhotoAsset, self),
        ]
        for chosen in filters:
            if chosen.value() is None:
                continue
            if chosen.value() not in {value for value, _ in chosen.lookup_choices}:
                return JsonResponse({"error": f"No {chosen.title} “{chosen.value()}” in the library."}, status=400)
            photos = chosen.queryset(request, photos)
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        found = chooser_page(photos, page=page, change_url=self.has_change_permission(request))
        return JsonResponse(
            {
                **found,
                "services": [list(choice) for choice in filters[0].lookup_choices],
                "years": [value for value, _ in filters[1].lookup_choices],
                "can_upload": self.has_add_permission(request),
            }
        )

    def chooser_details(self, request):
        """The photos a story's body names (`?id=12&id=40`), for the photo blocks' previews. A photo
        deleted from the library is simply not among them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:200]
        change_url = self.has_change_permission(request)
        photos = PhotoAsset.objects.filter(pk__in=ids)
        return JsonResponse({"photos": [photo_item(photo, change_url=change_url) for photo in photos]})

    def chooser_upload(self, request):
        """Upload in place, with the photo form's own rounds: the first reads the file and sends back
        what it filled for the editor to check (and add alt text); the next saves the photo."""
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PhotoAssetForm(request.POST, request.FILES, uploader=request.user)
        if not form.is_valid():
            return JsonResponse(upload_round(form), status=200 if form.only_asks_for_review else 400)
        try:
            with transaction.atomic():
                photo = form.save(commit=False)
                warnings = self.save_photo(request, photo, form)
                self.log_addition(request, photo, [{"added": {}}])
        except DiskFull as full:
            # Nothing was saved and no part of a file is left; what was typed stays in the dialog.
            message = f"{full}: the photo was not saved. Free some space and upload it again."
            return JsonResponse({**upload_round(form), "errors": [message]}, status=507)
        item = photo_item(photo, change_url=self.has_change_permission(request, photo))
        return JsonResponse({"saved": True, "photo": item, "warnings": warnings}, status=201)

    def pending_preview(self, request, token):
        """A small picture of an upload kept between rounds of the form, for staff who may add
        or change photos; the private original itself never gets a URL."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        name = pending_name(token, request.user)
        if not name:
            raise Http404("This upload is no longer kept: choose the file again.")
        try:
            with originals_storage().open(name, "rb") as source:
                picture = preview_jpeg(source, size=PREVIEW_SIZE, max_pixels=settings.PHOTO_MAX_PIXELS)
        except UploadRefused:
            raise Http404("This upload cannot be shown.") from None
        return HttpResponse(picture, content_type="image/jpeg")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)  # a class made for this request
        form.uploader = request.user
        form.disk_full = getattr(request, "photo_disk_full", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = csp_override(with_chosen_file_images(settings.SECURE_CSP))(super().changeform_view)
        try:
            return view(request, object_id, form_url, extra_context)
        except DiskFull as full:
            if request.method != "POST":
                raise
            # The save was undone whole (no row; the storage left no part of a file). The form
            # again, with what was typed and the reason it was not saved; the file is kept for the
            # next try if its own disk has room.
            request.photo_disk_full = full
            return view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if form.only_asks_for_review:
            # The first round of an upload: information for the editor, not a failure.
            context["errors"] = []
            context["review_notes"] = form.review_notes
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        prefix = virin_prefix(search_term)
        if prefix:  # on the VIRIN's own index, not a scan of every caption
            return queryset.filter(virin__startswith=prefix), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Photo")
    def preview(self, photo):
        return thumbnail(photo, alt=f"Edit photo {photo.virin}")  # it links to the photo's edit page

    @admin.display(description="Alt text")
    def alt_text_column(self, photo):
        if not photo.alt_text:
            return missing("Missing")
        # A word, not the text: the list stays narrow; hovering shows what was written.
        return format_html('<span title="{}">Written</span>', photo.alt_text)

    @admin.display(description="Checks")
    def checks(self, photo):
        problems = [virin_date_warning(photo.virin, photo.date_taken)]
        if not photo.alt_text:
            problems.append("No alt text: no story using this photo can be published until it has one.")
        if not photo.is_credited:
            problems.append("No photographer or credit: no story using this photo can be published until it has both.")
        if photo.copies == Copies.MAKING:
            problems.append(
                "Copies being made: its public copies are made in the background, in a few seconds. "
                "No story using this photo can be published until they are; reload this page to see them."
            )
        elif photo.copies == Copies.FAILED:
            problems.append(
                f"Its public copies could not be made ({photo.copies_error}). Replace the image, or save the "
                "photo again to try again; a Site administrator sees the error under Background tasks."
            )
        elif not photo.has_image:
            problems.append("No image file: readers see its alt text in place of the picture.")
        problems.append(disclosure_needed(self._original_credentials(photo)))
        problems = [problem for problem in problems if problem]
        if not problems:
            return "No problems found."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)))

    def _original_credentials(self, photo):
        # Read once a page: the checks and the field below both want them.
        if not hasattr(photo, "_original_credentials"):
            photo._original_credentials = original_credentials(photo)
        return photo._original_credentials

    @admin.display(description="Content Credentials of the original")
    def camera_credentials(self, photo):
        found = self._original_credentials(photo)
        if found is None:
            return "None: the original carries no Content Credentials (most cameras sign nothing)."
        if found.state == "trusted":
            state = "Valid, signer on the trust list"
        elif found.state == "valid":
            state = (
                "Valid (the signature and the file's hashes check out; the signer is on no trust list this site knows)"
            )
        else:
            state = f"Does not validate ({', '.join(found.problems)}): the file was changed after it was signed"
        actions = [ACTION_WORDS.get(action, action) for action in found.actions] or ["none recorded"]
        rows = [
            (
                "Signed by",
                found.signer + (f" ({found.issuer})" if found.issuer and found.issuer != found.signer else ""),
            ),
            ("Status", state),
            ("Actions recorded", "; ".join(actions)),
        ]
        if found.sources:
            rows.append(("Source", ", ".join(found.sources)))
        warning = disclosure_needed(found)
        note = format_html('<p class="errornote">{}</p>', warning) if warning else ""
        return format_html("<table>{}</table>{}", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows), note)

    @admin.display(description="What the VIRIN says")
    def what_the_virin_says(self, photo):
        try:
            explained = parse_virin(photo.virin, lenient=True).explain()
        except ValueError as error:
            return str(error)
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", explained)
        notes = format_html("<p>{}</p>", photo.virin_notes) if photo.virin_notes else ""
        return format_html("<table>{}</table>{}", rows, notes)

    @admin.display(description="Filled from the file")
    def from_the_file(self, photo):
        if not photo.metadata_sources:
            return "Nothing: every value was typed in."
        return ", ".join(
            f"{PhotoAsset._meta.get_field(field).verbose_name} ({source})"
            for field, source in photo.metadata_sources.items()
        )

    def save_model(self, request, obj, form, change):
        for warning in self.save_photo(request, obj, form):
            self.message_user(request, warning, messages.WARNING)

    def save_photo(self, request, photo, form) -> list[str]:
        """Saves a photo from its form, as the photo form and the story editor's upload both do;
        returns what the editor should be warned of."""
        photo_save(photo=photo, user=request.user, facts=form.facts)
        transaction.on_commit(form.discard_pending)
        return form.warnings

    @admin.action(description="Edit credit and keywords of selected photos", permissions=["change"])
    def edit_credit_and_keywords(self, request, queryset):
        if "apply" in request.POST:
            form = BulkCreditForm(request.POST)
            if form.is_valid():
                changed = photos_update_credit(photos=queryset, user=request.user, **form.cleaned_data)
                self.message_user(
                    request,
                    f"Updated {changed} photos. Their public copies are being remade in the background; "
                    "readers see the present ones until then.",
                    messages.SUCCESS,
                )
                return None
        else:
            form = BulkCreditForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Edit credit and keywords",
            "photos": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/photos/photoasset/edit_credit.html", context)
