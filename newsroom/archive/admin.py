from django.contrib import admin
from django.db.models import Count

from newsroom.archive.forms import CollectionForm
from newsroom.archive.models import Collection


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    form = CollectionForm
    list_display = ["name", "story_count", "published_before", "published_after"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, collection):
        return collection.story_count
