"""The accessibility statement readers read at /accessibility/, and Site administrators keep in the admin."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import Client
from django.utils import timezone

from newsroom.feedback.models import STATEMENT_ID, AccessibilityStatement, Conformance, KnownLimitation
from tests.conftest import make_account, page_text

pytestmark = pytest.mark.django_db


def statement(**fields):
    values = {
        "contact_name": "Section 508 Program Manager, Office of Public Affairs",
        "contact_email": "section508@army.example.gov",
        "contact_phone": "703-555-0100 (TTY 711)",
        "reply_days": 3,
        "reviewed_on": datetime.date(2026, 9, 22),
        **fields,
    }
    return AccessibilityStatement.objects.create(pk=STATEMENT_ID, **values)


def test_a_fresh_site_shows_the_starter_statement_and_says_it_is_not_reviewed(client):
    response = client.get("/accessibility/")
    text = page_text(response)
    assert response.status_code == 200
    assert "Accessibility Statement" in text
    assert "partially conforms to WCAG 2.2 Level AA" in text
    assert "This statement was last reviewed on no date yet: it has not been reviewed." in text
    assert "Section 508 Program Manager" in text and "section508@example.gov" in text
    assert "We know of no part of the site that falls short of the standard." in text


def test_the_statement_page_reads_as_its_structure_says(client):
    kept = statement(commitment="We want every reader to reach our news.", conformance=Conformance.PARTIAL)
    KnownLimitation.objects.create(
        statement=kept, order=2, description="Charts in 2019 stories are images.", workaround="Ask for the data."
    )
    KnownLimitation.objects.create(statement=kept, order=1, description="Some older videos lack captions.")
    response = client.get("/accessibility/")
    html, text = response.content.decode(), page_text(response)
    assert "<title>Accessibility Statement | Newsroom</title>" in html
    assert '<meta name="description" content="How Newsroom meets WCAG 2.2 Level AA, what does not work yet' in html
    assert '<main id="main-content"' in html and "An official website of the United States government" in text
    assert '<link rel="canonical" href="http://testserver/accessibility/">' in html
    assert "We want every reader to reach our news." in text
    assert 'This statement was last reviewed on <time datetime="2026-09-22">Sept. 22, 2026</time>.' in html
    # Known limitations in the order the administrators gave, each with what readers can do.
    assert text.index("Some older videos lack captions.") < text.index("Charts in 2019 stories are images.")
    assert "Charts in 2019 stories are images. What you can do: Ask for the data." in text
    assert '<a class="usa-button" href="/accessibility/feedback/">Report an accessibility problem</a>' in html
    assert 'href="mailto:section508@army.example.gov"' in html and "Phone: 703-555-0100 (TTY 711)" in text
    assert "We aim to reply within 3 business days." in text


def test_every_page_links_the_statement_from_its_footer(client, make_story):
    story = make_story()
    for address in ["/", "/news/", story.get_absolute_url(), "/accessibility/", "/accessibility/feedback/"]:
        html = client.get(address).content.decode()
        footer = html[html.index("<footer") :]
        assert '<a href="/accessibility/" class="usa-identifier__required-link usa-link">Accessibility</a>' in footer


def test_the_statement_is_in_the_sitemap(client):
    assert "<loc>http://testserver/accessibility/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_a_change_to_the_statement_reaches_readers_through_the_page_cache(
    client, administrator, committed, page_cache_on, django_assert_num_queries
):
    statement()
    assert "Phone: 703-555-0100" in page_text(client.get("/accessibility/"))
    with django_assert_num_queries(0):  # kept by the page cache
        assert "Phone: 703-555-0100" in page_text(client.get("/accessibility/"))
    admin_client = Client()
    admin_client.force_login(administrator)
    form = statement_form(contact_phone="703-555-0199")
    response = committed(admin_client.post, f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Phone: 703-555-0199" in page_text(client.get("/accessibility/"))


def statement_form(**fields) -> dict:
    """The admin's statement form as a Site administrator fills it in, with one known limitation."""
    return {
        "standard": "wcag-2.2-aa",
        "conformance": "partial",
        "commitment": "",
        "contact_name": "Section 508 Program Manager",
        "contact_email": "section508@army.example.gov",
        "contact_phone": "703-555-0100 (TTY 711)",
        "reply_days": "5",
        "reviewed_on": "2026-12-01",
        "limitations-TOTAL_FORMS": "1",
        "limitations-INITIAL_FORMS": "0",
        "limitations-MIN_NUM_FORMS": "0",
        "limitations-MAX_NUM_FORMS": "1000",
        "limitations-0-description": "Older videos have no captions.",
        "limitations-0-workaround": "Ask us for a transcript.",
        "limitations-0-order": "0",
        **fields,
    }


def test_a_site_administrator_writes_the_statement_the_first_time_and_then_keeps_it(client, administrator):
    client.force_login(administrator)
    # The list opens the form to write it, the first time, with the starter's contact filled in.
    response = client.get("/admin/feedback/accessibilitystatement/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/feedback/accessibilitystatement/add/"
    assert 'value="Section 508 Program Manager"' in response.content.decode()
    response = client.post("/admin/feedback/accessibilitystatement/add/", statement_form(reviewed_on=""))
    assert "This field is required." in page_text(response)  # the date reviewed
    assert not AccessibilityStatement.objects.exists()
    response = client.post("/admin/feedback/accessibilitystatement/add/", statement_form())
    assert response.status_code == 302
    kept = AccessibilityStatement.objects.get()
    assert kept.pk == STATEMENT_ID and kept.updated_by == administrator
    assert [limit.description for limit in kept.limitations.all()] == ["Older videos have no captions."]
    # From then on the list opens the statement itself; there is no second one, and no deleting it.
    response = client.get("/admin/feedback/accessibilitystatement/")
    assert response["Location"] == f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/change/"
    assert client.get("/admin/feedback/accessibilitystatement/add/").status_code == 403
    assert client.get(f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/delete/").status_code == 403
    assert "Older videos have no captions. What you can do: Ask us for a transcript." in page_text(
        Client().get("/accessibility/")
    )


def test_editors_read_the_statement_and_writers_do_not_see_it(client, editor, writer):
    statement()
    client.force_login(editor)
    response = client.get(f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/change/")
    assert response.status_code == 200 and "Section 508 Program Manager" in page_text(response)
    assert 'name="contact_email"' not in response.content.decode()  # read-only for Editors
    before = AccessibilityStatement.objects.get().contact_phone
    response = client.post(f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/change/", statement_form())
    assert response.status_code == 403 and AccessibilityStatement.objects.get().contact_phone == before
    client.force_login(writer)
    assert client.get(f"/admin/feedback/accessibilitystatement/{STATEMENT_ID}/change/").status_code == 403


@pytest.mark.parametrize(
    ("reviewed_on", "says"),
    [
        (None, "The accessibility statement has not been reviewed yet: readers see the starter statement."),
        (
            datetime.date(2025, 11, 30),
            "The accessibility statement was last reviewed on Nov. 30, 2025, more than a year ago.",
        ),
        (datetime.date(2026, 1, 5), None),
    ],
    ids=["never", "over-a-year", "current"],
)
def test_editors_are_told_on_their_home_when_the_statement_is_due_for_review(
    client, editor, administrator, time_machine, reviewed_on, says
):
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 12, 7, 10)), tick=False)
    if reviewed_on is not None:
        statement(reviewed_on=reviewed_on)
    for person, next_step in ((editor, "A Site administrator reviews it"), (administrator, "Review the statement")):
        client.force_login(person)
        text = page_text(client.get("/admin/"), after='id="content"')
        if says is None:
            assert "more than a year ago" not in text and "not been reviewed" not in text
        else:
            assert says in text and next_step in text
    # Readers read the date itself, never the reminder.
    readers = page_text(Client().get("/accessibility/"))
    assert "more than a year" not in readers and "Review the statement" not in readers


def test_the_demo_flat_page_at_the_statements_address_is_removed_and_an_agencys_own_kept(db):
    migration = importlib.import_module("newsroom.feedback.migrations.0002_roles_and_the_demo_flatpage")
    site = Site.objects.get_current()
    FlatPage.objects.create(
        url="/accessibility/", title="Accessibility", content="<p>This is a demonstration site. …</p>"
    ).sites.add(site)
    migration.remove_demo_statement_page(apps, None)
    assert not FlatPage.objects.filter(url="/accessibility/").exists()
    FlatPage.objects.create(url="/accessibility/", title="Accessibility", content="<p>Our own words.</p>")
    migration.remove_demo_statement_page(apps, None)
    assert FlatPage.objects.filter(url="/accessibility/").exists()


def test_only_site_administrators_may_change_the_statement(db):
    administrator, editor, writer = (make_account(name, name) for name in ("administrator", "editor", "writer"))
    assert administrator.has_perm("feedback.change_accessibilitystatement")
    assert administrator.has_perm("feedback.change_knownlimitation")
    assert editor.has_perm("feedback.view_accessibilitystatement")
    assert not editor.has_perm("feedback.change_accessibilitystatement")
    assert not writer.has_perm("feedback.view_accessibilitystatement")


def test_the_demo_loads_a_structured_statement_and_no_flat_page_at_its_address(client):
    from tests.conftest import command_output

    command_output("load_demo")
    assert not FlatPage.objects.filter(url="/accessibility/").exists()
    kept = AccessibilityStatement.objects.get()
    assert kept.reviewed_on and kept.limitations.count() == 2
    text = page_text(client.get("/accessibility/"))
    assert "This is a demonstration site" in text and "What you can do:" in text
    privacy = page_text(client.get("/privacy/"))
    assert (
        "The one cookie this site itself sets for readers is csrftoken" in privacy
        and "deleted when you close your browser" in privacy
    )
    # Run again, it keeps what a Site administrator changed.
    AccessibilityStatement.objects.update(contact_phone="703-555-0142")
    assert "1 accessibility statement (0 new, 1 kept)" in command_output("load_demo")
    assert AccessibilityStatement.objects.get().contact_phone == "703-555-0142"
