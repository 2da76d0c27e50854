from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView

from newsroom.archive.models import Collection
from newsroom.stories.selectors import listed_stories


class ArchiveView(ListView):
    """Stories in historical collections: still findable, newest first, one collection or all."""

    template_name = "archive/archive.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE

    def get_queryset(self):
        stories = listed_stories().archived()
        self.collection = None
        if "slug" in self.kwargs:
            self.collection = get_object_or_404(Collection, slug=self.kwargs["slug"])
            stories = stories.filter(collection=self.collection)
        return stories

    def get_context_data(self, **kwargs):
        public = Q(stories__status="published", stories__published_at__lte=timezone.now())
        collections = Collection.objects.annotate(public_count=Count("stories", filter=public))
        return super().get_context_data(collection=self.collection, collections=collections, **kwargs)
