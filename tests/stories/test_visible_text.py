"""A headline, byline, caption or slug made only of characters nobody can see is refused, naming
the field, on every way it is written; slugs have such characters taken out."""

import pytest
from django.core.exceptions import ValidationError

from newsroom.archive.models import Collection
from newsroom.core.visible import has_visible, without_invisible
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save
from newsroom.stories.models import Story, Tag
from newsroom.stories.services import story_create, story_update
from tests.conftest import jpeg_upload, next_virin, story_fields
from tests.stories.test_admin import story_form, upload_photo

pytestmark = pytest.mark.django_db

# Zero-width space, non-joiner, joiner, byte-order mark, the bidi embeddings, overrides and
# isolates, the direction marks, the soft hyphen.
INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u00ad",
]
NOTHING_TO_SEE = "".join(INVISIBLE) + " \u200b "


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(char):04X}" for char in INVISIBLE])
def test_each_invisible_character_is_known_as_such(char):
    assert not has_visible(char * 3) and without_invisible(f"a{char}b") == "ab"


def test_words_with_joiners_inside_are_text_and_keep_them():
    assert has_visible("Navy\u200b Seals") and has_visible("👩\u200d⚕️") and has_visible("🇺🇸")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("headline", "The headline has no visible characters."),
        ("byline", "The byline has no visible characters."),
        ("summary", "The summary has no visible characters."),
        ("slug", "The slug has no visible characters."),
    ],
)
def test_the_write_path_refuses_a_story_field_with_nothing_to_see(field, message, create_story):
    with pytest.raises(ValidationError) as refused:
        story_create(story=Story(**story_fields(**{field: NOTHING_TO_SEE})), user=None)
    assert refused.value.message_dict[field] == [message]

    story = create_story()
    with pytest.raises(ValidationError) as refused:
        story_update(story=story, changes={field: NOTHING_TO_SEE}, user=None, expected_version=None)
    assert refused.value.message_dict[field] == [message]
    story.refresh_from_db()
    assert has_visible(getattr(story, field)), "nothing was written"


def test_the_write_path_takes_invisible_characters_out_of_a_slug(create_story):
    story = create_story(slug="navy\u200b-hospital\u202e-ship\ufeff")
    assert Story.objects.get(pk=story.pk).slug == "navy-hospital-ship"
    story_update(story=story, changes={"slug": "\u2066navy-ship\u2069"}, user=None, expected_version=None)
    assert Story.objects.get(pk=story.pk).slug == "navy-ship"


def test_the_admin_names_the_field_and_cleans_the_slug(editor_client):
    response = editor_client.post("/admin/stories/story/add/", story_form(headline="\u200b\u200d", byline="\u202e"))
    assert response.status_code == 200 and not Story.objects.exists()
    page = response.content.decode()
    assert "The headline has no visible characters." in page and "The byline has no visible characters." in page

    response = editor_client.post("/admin/stories/story/add/", story_form(slug="navy-\u200bship\u00ad"))
    assert response.status_code == 302, response.content.decode()
    assert Story.objects.get().slug == "navy-ship"


def test_a_photo_caption_in_the_body_with_nothing_to_see_is_refused(create_story, make_photo):
    photo = make_photo()
    body = f'<p>Text.</p><figure data-photo="{photo.pk}" data-caption="\u200b\u200e"></figure>'
    with pytest.raises(ValidationError) as refused:
        create_story(body=body)
    assert refused.value.message_dict["body"] == [
        "The caption of photo 1 has no visible characters. Write one, or leave it empty for the photo's own caption."
    ]


def test_a_video_title_with_nothing_to_see_is_no_title(create_story):
    body = '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="\u200b"></figure>'
    with pytest.raises(ValidationError) as refused:
        create_story(body=body)
    assert "has no title" in refused.value.message_dict["body"][0]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("caption", "The caption has no visible characters."),
        ("photographer", "The photographer has no visible characters."),
        ("credit", "The credit has no visible characters."),
        ("title", "The title has no visible characters."),
        ("alt_text", "The alt text has no visible characters."),
    ],
)
def test_a_photo_record_with_nothing_to_see_is_refused_however_it_is_saved(field, message, make_photo, editor_client):
    record = {"caption": "A nurse checks a patient's blood pressure.", field: NOTHING_TO_SEE}
    photo = PhotoAsset(original=jpeg_upload(), virin=next_virin(), **record)
    with pytest.raises(ValidationError) as refused:
        photo_save(photo=photo, user=None)
    assert refused.value.message_dict[field] == [message]
    assert not PhotoAsset.objects.exists()

    kept = make_photo()
    setattr(kept, field, "\u200b")
    with pytest.raises(ValidationError):
        photo_save(photo=kept, user=None)

    response = upload_photo(editor_client, next_virin(), **{field: "\u200b\u2067"})
    assert response.status_code == 200 and message in response.content.decode()


def test_a_photo_saved_again_keeps_a_record_written_before_the_check(make_photo):
    photo = make_photo()
    PhotoAsset.objects.filter(pk=photo.pk).update(credit="\u200b")  # as an old row may hold it
    photo = PhotoAsset.objects.get(pk=photo.pk)
    photo.place = "Norfolk, Virginia"
    photo_save(photo=photo, user=None)  # a save that does not write the credit still works


def test_the_bulk_credit_action_refuses_an_invisible_credit(editor_client, make_photo):
    photo = make_photo(credit="Navy")
    response = editor_client.post(
        "/admin/photos/photoasset/",
        {
            "action": "edit_credit_and_keywords",
            "_selected_action": [photo.pk],
            "apply": "1",
            "photographer": "",
            "credit": "\u200b",
            "add_keywords": "",
        },
    )
    assert response.status_code == 200 and "The credit has no visible characters." in response.content.decode()
    assert PhotoAsset.objects.get(pk=photo.pk).credit == "Navy"


def test_tag_and_collection_slugs_lose_invisible_characters_and_names_need_visible_ones(editor_client):
    response = editor_client.post(
        "/admin/stories/tag/add/", {"name": "Disaster Response", "slug": "disaster\u200b-response"}
    )
    assert response.status_code == 302, response.content.decode()
    assert Tag.objects.get().slug == "disaster-response"
    response = editor_client.post("/admin/stories/tag/add/", {"name": "\u200b\u200c", "slug": "\u200b"})
    page = response.content.decode()
    assert "The name has no visible characters." in page and "The slug has no visible characters." in page

    tag = Tag(name="Flood", slug="\ufeffflood\u200e")
    tag.full_clean()
    assert tag.slug == "flood"
    collection = Collection(name="2019-2021", slug="\u200b2019-2021-collection", notice="Historical.")
    collection.full_clean()
    assert collection.slug == "2019-2021-collection"
    with pytest.raises(ValidationError) as refused:
        Collection(name="\u2066\u2069", slug="x", notice="Historical.").full_clean()
    assert refused.value.message_dict["name"] == ["The name has no visible characters."]


def test_a_photo_whose_old_alt_text_shows_nothing_stops_publication(create_story, make_photo):
    from newsroom.stories.services import story_publication_problems

    photo = make_photo()
    PhotoAsset.objects.filter(pk=photo.pk).update(alt_text="\u200b\u200e")  # as an old row may hold it
    story = create_story(published=False, photos=[photo])
    assert f"Photo {photo.virin} has no alt text" in story_publication_problems(story)
