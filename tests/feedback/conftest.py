"""What the feedback tests share: a form's fields as a reader sends them, a minute after it opened."""

import time

import pytest

from newsroom.feedback.protection import served_token


def sent(**fields) -> dict:
    """The feedback form's fields, filled in as a person would, served a minute ago."""
    return {
        "page": "",
        "problem": "The photo at the top of the story has no description my screen reader can read.",
        "reply_to": "",
        "website": "",
        "served": served_token(time.time() - 60),
        **fields,
    }


@pytest.fixture
def administrator(db):
    from tests.conftest import make_account

    return make_account("site-admin", "administrator")


@pytest.fixture
def page_cache_on(settings):
    """The page cache as production has it (the test settings turn it off)."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60
