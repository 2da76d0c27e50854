import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.db import connection, transaction
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from newsroom.photos.forms import PhotoAssetForm, virin_date_warning
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save, photos_update_credit
from newsroom.photos.virin import SERVICES, parse_virin
from newsroom.stories.models import PhotoPlacement
from newsroom.website.pagination import EstimatedCountPaginator


# The start of a VIRIN, at least its date and service letter: "210614-A", "210614-a-kx193-10".
_VIRIN_START = re.compile(r"\d{6}-[A-Z](?:-[A-Z0-9]{0,5}(?:-[A-Z0-9]{0,4}(?:-[A-Z]{0,2})?)?)?", re.IGNORECASE)


def virin_prefix(term: str) -> str:
    """The VIRIN (or its start) a changelist search names, upper case as stored; "" for other words."""
    term = term.strip()
    return term.upper() if _VIRIN_START.fullmatch(term) else ""


def thumbnail(photo, width=96):
    """A small public copy of the photo for admin lists; never the private original."""
    entry = photo.renditions.get("thumb.jpg") if photo else None
    if not entry:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy">',
        photo.public_url("thumb.jpg"), width, round(width * entry["height"] / entry["width"]),
    )


class ServiceFilter(admin.SimpleListFilter):
    title = "service"
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return [(letter, f"{letter} · {name}") for letter, name in SERVICES.items()]

    def queryset(self, request, queryset):
        # The service letter is the VIRIN's second segment: YYMMDD-S-...
        return queryset.filter(virin__regex=rf"^[0-9]{{6}}-{self.value()}-") if self.value() else queryset


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

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year = int(self.value())
        return queryset.filter(**{
            f"{self.field}__gte": self.start_of_year(year), f"{self.field}__lt": self.start_of_year(year + 1),
        })


class YearTakenFilter(YearFilter):
    title = "year taken"
    field = "date_taken"


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


class BulkCreditForm(forms.Form):
    photographer = forms.CharField(required=False, help_text="Leave empty to keep each photo's own.")
    credit = forms.CharField(required=False, help_text="Leave empty to keep each photo's own.")
    add_keywords = forms.CharField(
        required=False, help_text="Comma-separated; added to each photo's keywords, none removed."
    )


@admin.register(PhotoAsset)
class PhotoAssetAdmin(admin.ModelAdmin):
    form = PhotoAssetForm
    list_display = ["preview", "virin", "title", "credit_line", "date_taken", "used_in"]
    list_display_links = ["preview", "virin"]
    search_fields = ["virin", "title", "caption", "photographer", "keywords"]
    list_filter = [ServiceFilter, YearTakenFilter, CreditFilter]
    list_per_page = 50
    # Millions of photo records: no exact count of the whole library on every page load.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Stated here because the "used in" count groups rows, and Django drops Meta.ordering then.
    ordering = ["-created_at", "-id"]
    actions = ["edit_credit_and_keywords"]
    readonly_fields = [
        "preview_large", "checks", "what_the_virin_says", "width", "height", "file_size",
        "file_hash", "from_the_file", "uploaded_by", "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["original", "pending_upload", "preview_large", "checks", "virin", "title", "caption", "alt_text"]}),
        ("Credit", {"fields": ["photographer", "credit", "date_taken", "place", "keywords"]}),
        ("About the file", {
            "fields": ["what_the_virin_says", "from_the_file", "width", "height", "file_size", "file_hash",
                       "uploaded_by", "created_at"],
            "classes": ["collapse"],
        }),
    ]

    def get_queryset(self, request):
        # Counted per listed photo; grouping the whole library by photo would read every row.
        uses = PhotoPlacement.objects.filter(photo=OuterRef("pk")).order_by().values("photo").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(story_count=Coalesce(Subquery(uses), 0))

    def get_search_results(self, request, queryset, search_term):
        prefix = virin_prefix(search_term)
        if prefix:  # on the VIRIN's own index, not a scan of every caption
            return queryset.filter(virin__startswith=prefix), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Photo")
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description="Preview")
    def preview_large(self, photo):
        entry = photo.renditions.get("w480.jpg")
        if not entry:
            return "Shown here once the photo is saved."
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}">', photo.public_url("w480.jpg"), entry["width"], entry["height"]
        )

    @admin.display(description="Checks")
    def checks(self, photo):
        return virin_date_warning(photo.virin, photo.date_taken) or "No problems found."

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

    @admin.display(description="Used in", ordering="story_count")
    def used_in(self, photo):
        if not photo.story_count:
            return "—"
        url = reverse("admin:stories_story_changelist") + f"?q={photo.virin}"
        label = f"{photo.story_count} stor{'y' if photo.story_count == 1 else 'ies'}"
        return format_html('<a href="{}">{}</a>', url, label)

    def save_model(self, request, obj, form, change):
        photo_save(photo=obj, user=request.user, facts=form.facts)
        transaction.on_commit(form.discard_pending)
        for warning in form.warnings:
            self.message_user(request, warning, messages.WARNING)

    @admin.action(description="Edit credit and keywords of selected photos", permissions=["change"])
    def edit_credit_and_keywords(self, request, queryset):
        if "apply" in request.POST:
            form = BulkCreditForm(request.POST)
            if form.is_valid():
                changed = photos_update_credit(photos=queryset, user=request.user, **form.cleaned_data)
                self.message_user(request, f"Updated {changed} photos.", messages.SUCCESS)
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
