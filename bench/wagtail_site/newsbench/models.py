"""A news story as Wagtail's tutorial builds one: a page with a date, an intro, a byline, a rich-text
body, a lead image and tags, under a news index."""

from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Page


class NewsIndexPage(Page):
    intro = RichTextField(blank=True)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(Page):
    date = models.DateField("post date")
    intro = models.CharField(max_length=250)
    byline = models.CharField(max_length=200)
    body = RichTextField()
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    caption = models.CharField(max_length=500, blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)
