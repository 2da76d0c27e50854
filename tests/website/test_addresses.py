"""Addresses built around a once-reversed pattern are the ones reverse() gives."""

import pytest
from django.urls import reverse, set_script_prefix

from newsroom.core.addresses import address


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("stories:detail", "army-engineers-close-levee-breach"),
        ("stories:tag", "disaster_response-2"),
        ("photos:detail", "210614-A-KX193-1001"),
        ("archive:collection", "2019-2021"),
        ("stories:byline", "maria-delgado"),
        ("stories:label", "feature"),
        ("photos:detail", "a virin with spaces & a slash?"),  # not a slug: reverse() quotes it
    ],
)
def test_an_address_is_what_reverse_gives(name, value):
    assert address(name, value) == reverse(name, args=[value])


def test_an_address_follows_the_script_prefix_of_a_site_served_under_a_path():
    try:
        set_script_prefix("/newsroom/")
        assert (
            address("stories:detail", "levee") == "/newsroom/news/levee/" == reverse("stories:detail", args=["levee"])
        )
    finally:
        set_script_prefix("/")
    assert address("stories:detail", "levee") == "/news/levee/"
