"""The checks before publishing (issue 16, point 8): each check on a realistic story, the refusal
at *Publish*, an Editor publishing past warnings with a reason, and the record on the revision."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.stories.checks import story_checks
from newsroom.stories.models import Action, Revision, Status
from newsroom.stories.services import PublishRefused, story_publish
from tests.conftest import page_text
from tests.stories.test_workflow import change_url, edit

pytestmark = pytest.mark.django_db

# A body that passes every check: subheadings in order, links that name their pages, a table with
# a header row, plain sentences.
CLEAN_BODY = (
    "<p>The hospital ship USNS Comfort returned to Norfolk on Friday after five months at sea.</p>"
    "<h2>What the Crew Did</h2>"
    "<p>Sailors treated patients in eleven countries. Read the "
    '<a href="https://www.navy.mil/comfort-2026/">Comfort mission report</a> for each stop.</p>'
    "<h3>Surgery</h3><p>Surgeons did more than 900 operations.</p>"
    "<table><tbody><tr><th><p>Country</p></th><th><p>Patients</p></th></tr>"
    "<tr><td><p>Colombia</p></td><td><p>4,210</p></td></tr></tbody></table>"
)


def messages(story):
    return [(finding.check, finding.message) for finding in story_checks(story).findings]


def checks_of(body="", summary="Sailors treated more than 21,000 patients.", photos=(), make_story=None):
    return messages(make_story(body=body, summary=summary, photos=photos, published=False))


def test_a_clean_story_has_nothing_to_fix(make_story, make_photo):
    assert checks_of(CLEAN_BODY, photos=[make_photo()], make_story=make_story) == []


def test_a_subheading_that_skips_a_level_is_named_with_the_level_to_use(make_story):
    body = "<p>Intro.</p><h2>Costs</h2><p>Money.</p><h4>Fuel</h4><p>Diesel.</p>"
    assert checks_of(body, make_story=make_story) == [
        ("skipped-heading", "Subheading “Fuel” skips from level 2 to level 4: use level 3.")
    ]
    first = checks_of("<h3>Background</h3><p>Text.</p>", make_story=make_story)
    assert first == [
        ("skipped-heading", "Subheading “Background” skips from the headline, level 1 to level 3: use level 2.")
    ]


def test_a_subheading_with_no_words_is_named(make_story):
    found = checks_of("<p>Intro.</p><h2>&nbsp;</h2><p>More.</p><h2>—</h2>", make_story=make_story)
    assert [check for check, _ in found] == ["empty-heading", "empty-heading"]
    assert found[0][1].startswith("Subheading 1 has no words")
    assert "Subheading 2 has no words (only “—”)" in found[1][1]


@pytest.mark.parametrize(
    "text",
    ["click here", "Read more", "here", "Learn more.", "https://www.navy.mil/comfort-2026/", "www.navy.mil"],
)
def test_vague_link_text_is_named(make_story, text):
    body = f'<p>The ship is home.</p><p>For the report, <a href="https://www.navy.mil/comfort-2026/">{text}</a>.</p>'
    found = checks_of(body, make_story=make_story)
    assert [check for check, _ in found] == ["vague-link"]
    assert f"“{text}” in paragraph 2" in found[0][1]


@pytest.mark.parametrize(
    ("alt_text", "check"),
    [
        ("IMG_4512.JPG", "alt-file-name"),
        ("comfort-arrival.jpeg", "alt-file-name"),
        ("DSC_0042", "alt-file-name"),
        ("260303-N-TV418-1001", "alt-virin"),
        ("Image of a nurse checking a child's blood pressure.", "alt-image-of"),
        ("Photo of sailors on the pier.", "alt-image-of"),
        ("A nurse checks a patient's blood pressure, March 3, 2026.", "alt-repeats-caption"),
        ("A nurse in blue scrubs " + "kneels beside a child on a cot " * 5, "alt-too-long"),
    ],
)
def test_alt_text_that_does_not_describe_the_photo_is_named(make_story, make_photo, alt_text, check):
    photo = make_photo(alt_text=alt_text)
    found = checks_of(CLEAN_BODY, photos=[photo], make_story=make_story)
    assert [found_check for found_check, _ in found] == [check]
    assert found[0][1].startswith(f"Photo {photo.virin}'s alt text")


def test_alt_text_is_compared_with_the_caption_readers_see_in_this_story(create_story, make_photo):
    photo = make_photo(alt_text="Sailors wave from the rails as the ship docks.")
    body = f'<p>Home.</p><figure data-photo="{photo.pk}" data-caption="Sailors wave from the rails as the ship docks."></figure>'
    story = create_story(body=body, published=False)
    assert [check for check, _ in messages(story)] == ["alt-repeats-caption"]


def test_a_table_without_a_header_row_is_named(make_story):
    body = "<p>Patients by country.</p><table><tr><td>Colombia</td><td>4,210</td></tr><tr><td>Peru</td><td>3,900</td></tr></table>"
    found = checks_of(body, make_story=make_story)
    assert found == [
        (
            "table-header",
            "Table 1 (first row “Colombia, 4,210”) has no header row, so screen readers cannot say which column a "
            "cell is in. Make the first row's cells heading cells (the table button “Heading cell on or off”).",
        )
    ]


def test_a_summary_too_long_for_a_search_result_is_named(make_story):
    summary = "Sailors aboard the hospital ship USNS Comfort treated more than 21,000 patients " * 3
    found = checks_of(CLEAN_BODY, summary=summary, make_story=make_story)
    length = len(summary.strip())
    assert found == [
        (
            "summary-length",
            f"The summary is {length} characters; search results show about 160, so cut {length - 160}.",
        )
    ]


HARD_BODY = (
    "<p>The multinational humanitarian assistance deployment, coordinated interoperably among participating "
    "governmental organizations, nongovernmental organizations and international institutions, "
    "substantially enhanced regional preparedness capabilities, notwithstanding considerable logistical "
    "complications associated with intermittent infrastructure availability throughout numerous "
    "geographically dispersed operational locations.</p>"
)
PLAIN_BODY = (
    "<p>The ship came home on Friday. It was gone for five months. The crew saw many sick people. "
    "Doctors fixed teeth and eyes. Nurses gave shots to kids. The crew also built two schools. "
    "Now the sailors will rest. Then they will train for the next trip.</p>"
)


def test_the_reading_grade_is_measured_against_the_sites_target(make_story, settings):
    found = checks_of(HARD_BODY, make_story=make_story)
    assert [check for check, _ in found] == ["reading-grade"]
    assert "this site aims for grade 10 or below" in found[0][1]
    assert checks_of(PLAIN_BODY, make_story=make_story) == []
    settings.READING_GRADE_TARGET = 50
    assert checks_of(HARD_BODY, make_story=make_story) == []


def test_each_check_is_a_blocker_or_a_warning_by_setting(make_story, settings):
    story = make_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    assert [finding.level for finding in story_checks(story).findings] == ["warning"]
    settings.PUBLISH_CHECKS = {"skipped-heading": "blocker"}
    assert [finding.level for finding in story_checks(story).findings] == ["blocker"]
    settings.PUBLISH_CHECKS = {"skipped-heading": "sometimes"}
    with pytest.raises(ImproperlyConfigured, match="sometimes"):
        story_checks(story)


# At Publish


def test_publishing_is_refused_with_every_blocker_and_warning_listed(create_story, editor, make_photo):
    photo = make_photo(alt_text="IMG_4512.JPG")
    body = "<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><table><tr><td>a</td><td>b</td></tr></table>"
    story = create_story(body=body, photos=[photo], published=False, byline="")
    with pytest.raises(PublishRefused) as refused:
        story_publish(story=story, user=editor, past_warnings="The chart is urgent.")
    assert refused.value.problems[0] == "Byline is missing"
    assert [problem.split(" ")[0] for problem in refused.value.problems[1:]] == ["Table", "Photo"]
    assert refused.value.warnings == ["Subheading “Fuel” skips from level 2 to level 4: use level 3."]
    story.refresh_from_db()
    assert story.status == Status.DRAFT and story.revisions.count() == 1


def test_warnings_need_an_editors_reason_which_the_revision_keeps(create_story, editor):
    story = create_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    with pytest.raises(PublishRefused) as refused:
        story_publish(story=story, user=editor)
    assert refused.value.problems == [] and len(refused.value.warnings) == 1
    story_publish(story=story, user=editor, past_warnings="  The chief approved the outline as it is. ")
    revision = story.revisions.get(number=story.version)
    assert revision.action == Action.PUBLISHED
    record = revision.publish_checks
    assert record["published_past"] == {
        "user_id": editor.pk,
        "user": "editor",
        "reason": "The chief approved the outline as it is.",
    }
    assert [finding["check"] for finding in record["findings"]] == ["skipped-heading"]
    assert {check["check"] for check in record["checked"]} >= {"skipped-heading", "alt-virin", "reading-grade"}


def test_a_clean_publication_records_what_was_checked_and_nothing_past(create_story, editor):
    story = create_story(body=CLEAN_BODY, published=False)
    story_publish(story=story, user=editor)
    record = Revision.objects.get(story=story, number=story.version).publish_checks
    assert record["findings"] == [] and "published_past" not in record
    assert len(record["checked"]) == 12


# In the admin


def test_save_and_publish_shows_the_warnings_and_publishes_with_a_reason(editor_client, create_story):
    story = create_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    response = editor_client.post(change_url(story), {**edit(story), "_publish": "1"}, follow=True)
    text = page_text(response)
    assert "Saved, but not published." in text
    assert "Subheading “Fuel” skips from level 2 to level 4: use level 3." in text
    assert "Publish anyway, because…" in text
    story.refresh_from_db()
    assert story.status == Status.DRAFT

    reason = "Level 4 matches the printed report's outline."
    response = editor_client.post(
        change_url(story), {**edit(story), "_publish": "1", "_publish_reason": reason}, follow=True
    )
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    revisions = page_text(editor_client.get(f"/admin/stories/story/{story.pk}/revisions/"), after='id="content"')
    assert "Checks before publishing: 1 found, published past by editor" in revisions
    assert f"editor published past the warnings because: “{reason}”" in revisions
    assert "Warning: Subheading “Fuel” skips from level 2 to level 4: use level 3." in revisions


def test_a_blocker_is_not_published_past_even_with_a_reason(editor_client, create_story):
    story = create_story(body="<p>Intro.</p><table><tr><td>a</td><td>b</td></tr></table>", published=False)
    response = editor_client.post(
        change_url(story), {**edit(story), "_publish": "1", "_publish_reason": "Deadline."}, follow=True
    )
    assert "Fix these first:" in page_text(response)
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_the_live_checks_read_the_unsaved_form(editor_client, make_photo):
    photo = make_photo(alt_text="Photo of sailors on the pier.")
    body = f'<p>Home.</p><h3>Arrival</h3><figure data-photo="{photo.pk}"></figure>'
    response = editor_client.post("/admin/stories/story/publish-checks/", {"summary": "Short.", "body": body})
    assert response.status_code == 200
    result = json.loads(response.content)
    assert [(finding["check"], finding["level"]) for finding in result["findings"]] == [
        ("skipped-heading", "warning"),
        ("alt-image-of", "warning"),
    ]
    assert result["warnings"] == 2 and result["blockers"] == 0
    assert editor_client.get("/admin/stories/story/publish-checks/").status_code == 405


def test_the_live_checks_are_for_staff_who_write_stories(client, make_photo):
    response = client.post("/admin/stories/story/publish-checks/", {"summary": "", "body": "<p>x</p>"})
    assert response.status_code == 302  # to the login page


def test_the_story_form_lists_the_checks_with_a_status_region(editor_client, create_story):
    story = create_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    html = editor_client.get(change_url(story)).content.decode()
    assert 'role="status"' in html and "1 warning." in html
    assert "js/publish-checks.js" in html


def test_the_publish_action_publishes_only_stories_without_findings(editor_client, create_story):
    ready = create_story(body=CLEAN_BODY, published=False)
    warned = create_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    response = editor_client.post(
        "/admin/stories/story/?status=all",
        {"action": "publish_selected", "_selected_action": [ready.pk, warned.pk]},
        follow=True,
    )
    text = page_text(response)
    assert f"“{warned.headline}” not published: Warning: Subheading “Fuel” skips from level 2 to level 4" in text
    ready.refresh_from_db(), warned.refresh_from_db()
    assert (ready.status, warned.status) == (Status.PUBLISHED, Status.DRAFT)


def test_a_writer_sees_the_checks_but_no_reason_to_publish_past_them(writer_client, writer, create_story):
    story = create_story(body="<p>Intro.</p><h2>Costs</h2><h4>Fuel</h4><p>Diesel.</p>", published=False)
    story.created_by = writer
    story.save(update_fields=["created_by"])
    html = writer_client.get(change_url(story)).content.decode()
    assert "Subheading “Fuel” skips from level 2 to level 4: use level 3." in html
    assert "Publish anyway, because…" not in html
    response = writer_client.post("/admin/stories/story/publish-checks/", {"summary": "", "body": "<h3>x</h3>"})
    assert json.loads(response.content)["warnings"] == 1


def test_staff_who_may_not_write_stories_get_no_checks(client, make_account_without_roles):
    client.force_login(make_account_without_roles)
    response = client.post("/admin/stories/story/publish-checks/", {"summary": "", "body": "<p>x</p>"})
    assert response.status_code == 403


@pytest.fixture
def make_account_without_roles(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("visitor", password="a-long-test-password", is_staff=True)
