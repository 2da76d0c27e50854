from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.generic import ListView

from newsroom.core.cache import keep_here_only
from newsroom.search import selectors
from newsroom.search.indexing import index_in_use
from newsroom.search.selectors import clean_query, photo_for_virin, search_stories, with_snippets
from newsroom.stories.models import Story


# Never kept by the shared page cache or a CDN: every query would be its own entry, and anyone could
# fill the cache with them. Each server process keeps the recent ones in its own memory, within a
# share of it (newsroom/website/caching.py), retired by any change to any story.
@method_decorator(cache_control(private=True), name="dispatch")
class SearchView(ListView):
    """Search results: published stories, archived ones marked; a VIRIN goes straight to its photo."""

    template_name = "search/search_results.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE

    def get(self, request, *args, **kwargs):
        keep_here_only(request)
        self.query = clean_query(request.GET.get("q", ""))
        photo = photo_for_virin(self.query) if self.query else None
        if photo is not None:
            return redirect(photo)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search_stories(self.query) if self.query else Story.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        context["stories"] = with_snippets(context["stories"], self.query)
        context["keep"] = urlencode({"q": self.query})  # page links carry the search along
        # Full-text search ranks the newest RANKED_MATCHES matches only; there may be more.
        paginator = context["paginator"]
        context["capped"] = index_in_use() and paginator is not None and paginator.count >= selectors.RANKED_MATCHES
        return context
