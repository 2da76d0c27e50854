from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from newsroom.photos.admin import thumbnail
from newsroom.stories.body import split_paragraphs
from newsroom.stories.models import PhotoPlacement, Status, Story, Tag
from newsroom.stories.services import story_publish, story_withdraw


class PlacementFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        paragraphs = len(split_paragraphs(self.instance.body or ""))
        for form in self.forms:
            position = form.cleaned_data.get("after_paragraph")
            if position and not form.cleaned_data.get("DELETE") and position > paragraphs:
                form.add_error(
                    "after_paragraph",
                    f"The body has {paragraphs} paragraph{'s' if paragraphs != 1 else ''}; "
                    f"choose a number from 0 to {paragraphs}.",
                )


class PhotoPlacementInline(admin.TabularInline):
    model = PhotoPlacement
    formset = PlacementFormSet
    extra = 1
    autocomplete_fields = ["photo"]
    fields = ["photo", "preview", "after_paragraph", "order", "caption"]
    readonly_fields = ["preview"]

    @admin.display(description="Preview")
    def preview(self, placement):
        return thumbnail(placement.photo if placement.photo_id else None)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["lead_photo", "headline", "label", "publication", "published_at", "archive_status"]
    list_display_links = ["headline"]
    list_filter = ["status", "archive_status", "label", "tags"]
    search_fields = ["headline", "summary", "byline", "placements__photo__virin"]
    date_hierarchy = "published_at"
    list_per_page = 50
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags", "related_stories"]
    inlines = [PhotoPlacementInline]
    actions = ["publish_selected", "withdraw_selected"]
    readonly_fields = ["publication", "paragraph_guide", "archive_status", "collection", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "label", "summary", "byline", "body", "paragraph_guide"]}),
        ("Publication", {"fields": ["publication", "published_at", "tags", "related_stories"]}),
        ("Historical collection", {"fields": ["archive_status", "collection"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # One query for every row's lead photo, however many rows the page shows.
        placements = PhotoPlacement.objects.select_related("photo")
        return super().get_queryset(request).prefetch_related(Prefetch("placements", queryset=placements))

    @admin.display(description="Photo")
    def lead_photo(self, story):
        placements = list(story.placements.all())
        return thumbnail(placements[0].photo if placements else None, width=64)

    @admin.display(description="Status", ordering="status")
    def publication(self, story):
        if story.status == Status.PUBLISHED and story.published_at > timezone.now():
            return format_html("<strong>Scheduled</strong> for {}", timezone.localtime(story.published_at))
        return story.get_status_display()

    @admin.display(description="Paragraphs (for placing photos)")
    def paragraph_guide(self, story):
        paragraphs = split_paragraphs(story.body or "")
        if not paragraphs:
            return "Save the story to see its numbered paragraphs here."
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((text[:90] + ("…" if len(text) > 90 else ""),) for text in paragraphs)),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "_publish" in request.POST:
            try:
                story_publish(story=form.instance, user=request.user)
            except ValidationError as error:
                request.publish_refused = True
                self.message_user(
                    request,
                    format_html(
                        "Saved, but not published. Fix these first:<ul>{}</ul>",
                        format_html_join("", "<li>{}</li>", ((m,) for m in error.messages)),
                    ),
                    messages.ERROR,
                )
            else:
                verb = "scheduled" if form.instance.is_scheduled else "published"
                self.message_user(request, f"“{form.instance}” is {verb}.", messages.SUCCESS)

    def _stay_if_refused(self, request, obj, response):
        if getattr(request, "publish_refused", False):
            return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]))
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._stay_if_refused(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._stay_if_refused(request, obj, super().response_change(request, obj))

    @admin.action(description="Publish selected stories", permissions=["change"])
    def publish_selected(self, request, queryset):
        published = 0
        for story in queryset:
            try:
                story_publish(story=story, user=request.user)
                published += 1
            except ValidationError as error:
                self.message_user(request, f"“{story}” not published: {'; '.join(error.messages)}.", messages.ERROR)
        if published:
            self.message_user(request, f"{published} stor{'y' if published == 1 else 'ies'} published.", messages.SUCCESS)

    @admin.action(description="Withdraw selected stories from public view", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        for story in queryset:
            story_withdraw(story=story, user=request.user)
        self.message_user(request, f"{len(queryset)} withdrawn.", messages.SUCCESS)
