"""The banner, header and footer made once per process still mark the right section and follow settings."""

import re

import pytest

from newsroom.archive.services import story_archive

pytestmark = pytest.mark.django_db


def current_section(page):
    return re.findall(r'class="usa-nav-link usa-current"[^>]*><span>(\w+)</span>', page.content.decode())


def test_the_header_marks_the_section_a_page_is_in(client, make_story, collection):
    current = make_story()
    archived = make_story()
    story_archive(story=archived, collection=collection, user=None)

    assert current_section(client.get("/")) == []
    assert current_section(client.get("/news/")) == ["News"]
    assert current_section(client.get(current.get_absolute_url())) == ["News"]
    assert current_section(client.get("/archive/")) == ["Archive"]
    assert current_section(client.get(archived.get_absolute_url())) == ["Archive"]
    assert current_section(client.get("/news/")) == ["News"], "each section's header is kept apart"


def test_a_changed_setting_reaches_the_banner_header_and_footer(client, settings):
    assert "An official website of the United States government" in client.get("/").content.decode()
    settings.SITE_NAME = "Joint Task Force News"
    settings.BANNER_DOMAIN = "mil"
    page = client.get("/").content.decode()
    assert page.count("Joint Task Force News") >= 3  # title, header, footer
    assert ".mil" in page.split('<section class="usa-banner"', 1)[1].split("</section>", 1)[0]


def test_the_iso_filter_writes_what_djangos_date_c_writes_in_the_sites_time_zone(settings):
    import datetime

    from django.template import defaultfilters
    from django.utils.timezone import template_localtime

    from newsroom.website.jinja import iso

    for moment in (
        datetime.datetime(2026, 11, 2, 14, 5, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 4, 3, 0, 0, 123456, tzinfo=datetime.UTC),  # summer time, microseconds
    ):
        assert iso(moment) == defaultfilters.date(template_localtime(moment), "c")
    assert iso(datetime.datetime(2026, 11, 2, 14, 5, tzinfo=datetime.UTC)) == "2026-11-02T09:05:00-05:00"
