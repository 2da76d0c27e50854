from django.contrib import admin
from django.db.models import Count

from newsroom.archive.forms import CollectionForm
from newsroom.archive.models import Collection
from newsroom.website.admin_widgets import DAYS_WITHOUT_ZONE


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    form = CollectionForm
    formfield_overrides = DAYS_WITHOUT_ZONE  # the rule's dates are days, with no zone to note
    list_display = ["name", "story_count", "published_before", "published_after"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, collection):
        return collection.story_count
