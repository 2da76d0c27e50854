from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from newsroom.stories.body import body_blocks
from newsroom.stories.models import Tag
from newsroom.stories.selectors import current_news, story_for_reader


class NewsListView(ListView):
    """Current news, newest first; archived stories live in the archive section instead."""

    template_name = "stories/story_list.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE

    def get_queryset(self):
        stories = current_news()
        if "slug" in self.kwargs:
            self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
            stories = stories.filter(tags=self.tag)
        else:
            self.tag = None
        return stories

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def story_detail(request, slug):
    story = story_for_reader(slug)
    blocks = body_blocks(story.body, story.placements.all())
    return render(request, "stories/story_detail.html", {"story": story, "blocks": blocks})
