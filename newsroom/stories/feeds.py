"""The news feed: current published stories, newest first, through Django's syndication framework."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse

from newsroom.stories.selectors import current_news

FEED_LENGTH = 20


class LatestNewsFeed(Feed):

    def title(self):
        return f"{settings.SITE_NAME}: News"

    def link(self):
        return reverse("stories:list")

    def description(self):
        return f"The latest news stories from {settings.SITE_NAME}."

    def items(self):
        # The same "current and published" as the listings: scheduled, expired and archived stay out.
        return current_news().order_by("-published_at")[:FEED_LENGTH]

    def item_title(self, story):
        return story.headline

    def item_description(self, story):
        return story.summary

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.updated_at

    def item_author_name(self, story):
        return story.byline or None

    def item_categories(self, story):
        return [story.get_label_display()]
