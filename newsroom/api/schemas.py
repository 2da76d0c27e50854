"""The shapes of the API's answers, as its OpenAPI description publishes them."""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field


class Problem(Schema):
    detail: str = Field(description="What was wrong, and how to put it right.")


class Retraction(Schema):
    detail: str = Field(description="That the story was retracted and is no longer published.")
    headline: str
    url: str = Field(description="The story's address, where readers get the retraction notice.")
    published_at: datetime.datetime | None = Field(description="When it was first published.")
    retracted_on: datetime.date | None
    reason: str = Field(description="Why it was retracted, as the newsroom told readers.")


class Copy(Schema):
    name: str = Field(description='Which copy: "full" (full size) or a width and format, e.g. "w800.webp".')
    url: str
    width: int
    height: int
    size: int = Field(description="In bytes.")


class VirinPart(Schema):
    label: str = Field(description='What this part of the VIRIN says, e.g. "Service".')
    value: str = Field(description='e.g. "N — Navy".')


class PhotoBrief(Schema):
    virin: str = Field(description="Visual Information Record Identification Number, e.g. 200922-D-BN624-1166.")
    title: str
    caption: str
    alt_text: str
    photographer: str
    credit: str
    credit_line: str = Field(description='As printed under the photo: "Photo By: NAME, ORG".')
    date_taken: datetime.date | None
    copies: list[Copy] = Field(description="Every public copy; the original file is never published.")
    url: str = Field(description="The photo's page for readers.")
    api_url: str


class StoryLink(Schema):
    id: int
    slug: str
    headline: str
    url: str
    api_url: str


class Photo(PhotoBrief):
    place: str
    keywords: list[str]
    virin_says: list[VirinPart] = Field(description="What the VIRIN says: date shot, service, originator, item …")
    stories: list[StoryLink] = Field(description="The published stories that use the photo, newest first.")


class Tag(Schema):
    slug: str
    name: str
    url: str
    stories_url: str = Field(description="Its stories, from this API.")


class Collection(Schema):
    slug: str
    name: str
    description: str
    notice: str = Field(description="Shown at the top of every story in the collection.")
    story_count: int = Field(description="Stories readers can see in it.")
    url: str
    stories_url: str


class CollectionBrief(Schema):
    slug: str
    name: str
    notice: str


class StorySummary(Schema):
    id: int
    slug: str
    headline: str
    summary: str
    byline: str
    label: str
    published_at: datetime.datetime
    archived: bool = Field(description="In a historical collection rather than current news.")
    lead_photo: PhotoBrief | None
    url: str = Field(description="The story's page for readers.")
    api_url: str


class TextBlock(Schema):
    type: Literal["text"]
    html: str = Field(description="A paragraph, heading, list, quotation or table, as the story page shows it.")


class PhotoBlock(Schema):
    type: Literal["photo"]
    caption: str = Field(description="The caption in this story (the photo's own unless the story gives another).")
    photo: PhotoBrief


class VideoBlock(Schema):
    type: Literal["video"]
    title: str
    url: str = Field(description="The video's own page.")
    embed_url: str = Field(description="Its privacy-enhanced player, to show in a frame.")


Block = Annotated[TextBlock | PhotoBlock | VideoBlock, Field(discriminator="type")]


class Correction(Schema):
    kind: Literal["correction", "update"]
    date: datetime.date
    text: str


class Story(StorySummary):
    updated_on: datetime.date | None = Field(description="The newest correction's or update's day, when later.")
    body: list[Block] = Field(description="The story's body, block by block, photos where the editor put them.")
    tags: list[Tag]
    corrections: list[Correction]
    related: list[StoryLink]
    collection: CollectionBrief | None


class StoryMatch(StorySummary):
    snippet: str = Field(description="Where the words were found, HTML, each match in <mark>.")


class StoryPage(Schema):
    items: list[StorySummary]
    next: str | None = Field(description="The next page's address; null on the last page.")


class PhotoPage(Schema):
    items: list[PhotoBrief]
    next: str | None


class TagPage(Schema):
    items: list[Tag]
    next: str | None


class SearchPage(Schema):
    query: str
    photo: PhotoBrief | None = Field(description="The photo a query names by its VIRIN, if readers may see it.")
    items: list[StoryMatch]
    next: str | None
    capped: bool = Field(description="True when only the newest ranked matches were searched; there may be more.")


class Index(Schema):
    stories: str
    photos: str
    tags: str
    collections: str
    search: str
    openapi: str
    docs: str
