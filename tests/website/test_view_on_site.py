"""The admin's "View on site" opens the page on the site the editor uses, never example.com."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from newsroom.stories.models import Status

pytestmark = pytest.mark.django_db


def view_on_site_link(client, change_url):
    page = client.get(change_url).content.decode()
    match = re.search(r'<a href="([^"]+)" class="viewsitelink">', page)
    assert match, "no View on site link on " + change_url
    return match.group(1)


def test_a_published_story_opens_on_the_editors_own_host(editor_client, make_story):
    story = make_story(headline="Levee Holds as River Crests", slug="levee-holds")
    link = view_on_site_link(editor_client, f"/admin/stories/story/{story.pk}/change/")
    assert link == "/news/levee-holds/"  # relative: the host in the editor's address bar
    reader_page = editor_client.get(link)
    assert reader_page.status_code == 200
    assert "Levee Holds as River Crests" in reader_page.content.decode()


def test_site_url_names_the_public_host_in_production(editor_client, make_story, make_photo, settings):
    settings.SITE_URL = "https://www.example.gov"
    story = make_story(slug="levee-holds", photos=[make_photo(virin="210614-A-KX193-1002")])
    assert view_on_site_link(editor_client, f"/admin/stories/story/{story.pk}/change/") == (
        "https://www.example.gov/news/levee-holds/"
    )
    # Models without their own rule go through the admin's redirect, which takes SITE_URL too.
    redirect = editor_client.get(view_on_site_link(editor_client, f"/admin/stories/tag/{_tag(story).pk}/change/"))
    assert redirect.status_code == 302
    assert redirect["Location"] == f"https://www.example.gov/news/tag/{_tag(story).slug}/"


def _tag(story):
    return story.tags.get_or_create(name="Disaster Response", slug="disaster-response")[0]


def test_photos_tags_and_pages_never_open_on_example_com(editor_client, make_story, make_photo):
    assert Site.objects.get_current().domain == "example.com"  # Django's default, never edited here
    photo = make_photo(virin="210614-A-KX193-1002")
    story = make_story(photos=[photo])
    page = FlatPage.objects.create(url="/about/", title="About", content="<p>About us.</p>")
    page.sites.add(Site.objects.get_current())
    for change_url, expected in (
        (f"/admin/photos/photoasset/{photo.pk}/change/", "/photos/210614-A-KX193-1002/"),
        (f"/admin/stories/tag/{_tag(story).pk}/change/", f"/news/tag/{_tag(story).slug}/"),
        (f"/admin/flatpages/flatpage/{page.pk}/change/", "/about/"),
    ):
        response = editor_client.get(view_on_site_link(editor_client, change_url))
        assert response.status_code == 302
        assert response["Location"] == expected
        assert editor_client.get(expected).status_code == 200


def test_a_draft_opens_in_the_staff_preview_not_a_404(editor_client, make_story):
    draft = make_story(published=False, status=Status.DRAFT, headline="Draft About the Levee")
    link = view_on_site_link(editor_client, f"/admin/stories/story/{draft.pk}/change/")
    assert link == f"/news/preview/{draft.pk}/"
    preview = editor_client.get(link)
    assert preview.status_code == 200
    assert "Draft About the Levee" in preview.content.decode()
