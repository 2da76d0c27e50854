"""The story body's editor in a real browser, as an editor uses it (issue 15): writing with
shortcuts, tables, links to web pages and other stories, photos from the library or uploaded in
place, videos; Ctrl+S; the warning before leaving; the keyboard alone; axe-core at WCAG 2.2 AA.

Debian's headless Chromium; a CSP refusal would show among the console errors every test checks.
Screenshots land in test-artifacts/ for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from newsroom.stories.models import Story
from tests.conftest import run_worker
from tests.website.conftest import ARTIFACTS, close_quietly
from tests.website.test_accessibility import AXE_SOURCE, WCAG_22_AA, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).parents[1] / "photos" / "samples" / "210614-A-KX193-1002.jpg"
BODY = "#id_body"  # the textarea the form posts, which the editor keeps up to date
TOOLBAR = ".prose-menubar[role=toolbar]"
ALT = "Alt"
MOD = "Control"  # Chromium on Linux: the editor's "Mod" is Ctrl


@pytest.fixture
def editor_page(browser, site_url, editor):
    """A signed-in editor's tab at laptop size, gathering console errors (CSP refusals among them)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    signed_in = Client()
    signed_in.force_login(editor)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.open_story_form = lambda address: open_story_form(page, site_url + address)
    yield page
    close_quietly(context)


def open_story_form(page, address):
    page.goto(address)
    page.locator(TOOLBAR).wait_for()
    return page.locator(".ProseMirror")


def body(page) -> str:
    # A dialog's answer reaches the text as the dialog closes, which it does a moment after the
    # click: read once no story dialog is left.
    page.wait_for_function("() => !document.querySelector('dialog.story-editor-dialog')")
    return page.input_value(BODY)


def toolbar_button(page, name):
    return page.locator(TOOLBAR).get_by_role("button", name=name, exact=True)


def axe_violations(page) -> str:
    page.evaluate(AXE_SOURCE.read_text())
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    return describe(found["violations"])


def story_form_fields(page, headline="Engineers Finish Levee Repairs Ahead of Storm Season"):
    page.fill("#id_headline", headline)
    page.fill("#id_summary", "Army engineers closed the last breach two weeks early.")
    page.fill("#id_byline", "Jane Doe, DOD News")


def test_an_editor_writes_a_structured_body_and_the_form_posts_docs_story_body_html(
    editor_page, site_url, make_story, make_photo
):
    page = editor_page
    ARTIFACTS.mkdir(exist_ok=True)
    linked = make_story(headline="Engineers Close Final Levee Breach")
    library_photo = make_photo(title="Closing the Breach")
    text = page.open_story_form("/admin/stories/story/add/")
    story_form_fields(page)
    assert page.inner_text(".story-editor-count") == "No words yet."

    # Markdown-style shortcuts as people type.
    text.click()
    page.keyboard.type("## Work on the levee\n")
    page.keyboard.type("Crews worked through the night.\n")
    page.keyboard.type("- Sandbags placed\nBreach closed\n\n")
    page.keyboard.type("> We finished early.\n\n")
    assert page.inner_text(".story-editor-count") == "16 words, about 1 minute to read"

    # A link to another story, chosen by searching its headline.
    page.keyboard.type("Read about ")
    toolbar_button(page, "Link to another story").click()
    page.get_by_label("Words in its headline").fill("levee breach")
    choice = page.get_by_role("button", name=re.compile("Engineers Close Final Levee Breach"))
    page.screenshot(path=ARTIFACTS / "story-editor-story-chooser.png")
    choice.click()
    page.keyboard.press("Enter")

    # A table: the header row is there unless the editor says otherwise.
    toolbar_button(page, "Table").click()
    assert page.get_by_label("The first row holds the column headings").is_checked()
    page.get_by_role("button", name="Insert table").click()
    page.keyboard.type("Unit")
    page.keyboard.press("Tab")
    page.keyboard.type("Sandbags")
    page.screenshot(path=ARTIFACTS / "story-editor-table.png")

    # A photo from the library, found by a word of its title.
    toolbar_button(page, "Photo from the library").click()
    page.get_by_label("Words or VIRIN").fill("breach")
    page.get_by_role("button", name=f"Closing the Breach {library_photo.virin}").wait_for()
    page.screenshot(path=ARTIFACTS / "story-editor-photo-chooser.png")
    page.get_by_role("button", name=f"Closing the Breach {library_photo.virin}").click()
    card = text.locator(".story-block--photo")
    assert "Closing the Breach" in card.inner_text() and library_photo.virin in card.inner_text()

    # A photo uploaded from inside the chooser: the file fills the record, the editor adds alt text.
    toolbar_button(page, "Photo from the library").click()
    page.get_by_role("button", name="Upload a new photo").click()
    page.get_by_label("Photo file").set_input_files(SAMPLE)
    page.get_by_role("button", name="Read the file").click()
    alt_text = page.get_by_label("Alt text")
    alt_text.wait_for()
    assert page.get_by_label("VIRIN").input_value() == "210614-A-KX193-1002", "filled from the file"
    assert page.evaluate("document.activeElement.name") == "alt_text", "the one thing to write is where the cursor is"
    page.wait_for_function("() => document.querySelector('.photo-upload__preview').naturalWidth > 0")
    alt_text.fill("A soldier in a hard hat signals to an excavator on a grassy levee.")
    page.screenshot(path=ARTIFACTS / "story-editor-upload-in-place.png")
    page.get_by_role("button", name="Save the photo and place it").click()
    uploaded = text.locator(".story-block--photo").nth(1)
    uploaded.get_by_text("Levee Repair").wait_for()

    # A video block.
    toolbar_button(page, "Video from DVIDS or YouTube").click()
    page.get_by_label("Video address").fill("https://www.dvidshub.net/video/912345/levee-repair-time-lapse")
    page.get_by_label("Title").fill("Levee repair in time-lapse")
    page.get_by_role("button", name="Add video").click()
    page.locator(".story-block--video").wait_for()
    page.keyboard.type("The end.")

    posted = body(page)
    from newsroom.photos.models import PhotoAsset

    new_photo = PhotoAsset.objects.get(virin="210614-A-KX193-1002")
    assert new_photo.alt_text.startswith("A soldier in a hard hat")
    assert "<h2>Work on the levee</h2>" in posted
    assert "<ul><li><p>Sandbags placed</p></li><li><p>Breach closed</p></li></ul>" in posted
    assert "<blockquote><p>We finished early.</p></blockquote>" in posted
    assert (
        f'<p>Read about <a href="/news/{linked.slug}/" data-story="{linked.pk}">Engineers Close Final Levee Breach</a></p>'
        "<table><tbody><tr><th><p>Unit</p></th><th><p>Sandbags</p></th>"
    ) in posted
    assert posted.count("<figure data-photo=") == 2
    assert posted.endswith(
        f'</table><figure data-photo="{library_photo.pk}"></figure><figure data-photo="{new_photo.pk}"></figure>'
        '<figure data-video="https://www.dvidshub.net/video/912345" data-title="Levee repair in time-lapse"></figure>'
        "<p>The end.</p>"
    ), "each block where it was put, in the flow"
    assert re.fullmatch(r"\d+ words, about 1 minute to read", page.inner_text(".story-editor-count"))
    text.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "story-editor-written.png", full_page=True)

    # Saved as written, and read back the same by the change form's editor.
    page.keyboard.press(f"{MOD}+s")
    page.locator(".messagelist").wait_for()
    story = Story.objects.get(headline="Engineers Finish Levee Repairs Ahead of Storm Season")
    assert story.body == posted
    page.locator(TOOLBAR).wait_for()
    assert page.locator(".story-block--photo").count() == 2 and page.locator(".story-block--video").count() == 1
    assert page.evaluate("document.querySelector('.ProseMirror').editor.getHTML()") == posted, "read back as written"
    assert page.console_errors == [], "the page logged errors (a CSP refusal shows here)"

    # The task worker makes the uploaded photo's copies; then the draft's preview, opened from the
    # change form, shows readers' markup for every block.
    run_worker()
    preview = page.get_by_role("link", name="View on site").get_attribute("href")
    assert preview.endswith(f"/preview/{story.pk}/")
    page.goto(site_url + preview)
    article = page.locator(".newsroom-story__body")
    assert article.locator("h2", has_text="Work on the levee").count() == 1
    assert article.locator("ul li").all_inner_texts() == ["Sandbags placed", "Breach closed"]
    assert article.locator("blockquote").inner_text() == "We finished early."
    assert article.locator("table th").all_inner_texts()[:2] == ["Unit", "Sandbags"]
    figures = article.locator("figure:has(img)")
    assert figures.count() == 2
    assert f"VIRIN: {library_photo.virin}" in figures.nth(0).inner_text()
    assert "VIRIN: 210614-A-KX193-1002" in figures.nth(1).inner_text()
    link = article.get_by_role("link", name="Engineers Close Final Levee Breach")
    assert link.get_attribute("href") == f"/news/{linked.slug}/"

    # The linked story's address changes; the link follows it, stored by the story's id.
    Story.objects.filter(pk=linked.pk).update(slug="levee-breach-closed")
    page.reload()
    assert link.get_attribute("href") == "/news/levee-breach-closed/"
    page.screenshot(path=ARTIFACTS / "story-editor-preview.png", full_page=True)
    assert page.console_errors == []


def test_ctrl_s_saves_and_leaving_asks_only_while_something_is_unsaved(editor_page, site_url, make_story):
    page = editor_page
    story = make_story(published=False, body="<p>Crews worked through the night.</p>")
    change = f"/admin/stories/story/{story.pk}/change/"
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    home = page.locator(".breadcrumbs a").first  # the admin's home page
    text = page.open_story_form(change)
    text.click()  # looked at, nothing changed: leaving asks nothing
    home.click()
    page.wait_for_url(site_url + "/admin/")
    assert asked == []

    text = page.open_story_form(change)
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(" The river crested at noon.")
    home.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(change), "dismissing the warning keeps the page and what was typed"

    page.keyboard.press(f"{MOD}+s")
    page.locator(".messagelist").wait_for()
    assert "was changed successfully" in page.inner_text(".messagelist")
    assert page.url.endswith(change), "Save and continue editing"
    story.refresh_from_db()
    assert story.body == "<p>Crews worked through the night. The river crested at noon.</p>"
    page.locator(TOOLBAR).wait_for()
    home.click()
    page.wait_for_url(site_url + "/admin/")
    assert asked == ["beforeunload"], "no warning after saving"
    assert page.console_errors == []


def test_the_keyboard_alone_reaches_the_toolbar_inserts_a_video_and_goes_back_to_the_text(editor_page):
    page = editor_page
    text = page.open_story_form("/admin/stories/story/add/")
    page.focus("#id_byline")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert first == "Subheading", "the toolbar is the next Tab stop, its first button first"
    tooltip = page.evaluate("getComputedStyle(document.activeElement, '::before').content")
    assert tooltip == '"Subheading (Ctrl+Alt+2)"'
    assert page.evaluate("getComputedStyle(document.activeElement, '::before').display") == "block"

    for _ in range(40):
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Video from DVIDS or YouTube":
            break
        page.keyboard.press("ArrowRight")
    page.screenshot(path=ARTIFACTS / "story-editor-toolbar-keyboard.png")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "address"
    page.keyboard.type("https://youtu.be/dQw4w9WgXcQ")
    page.keyboard.press("Tab")
    page.keyboard.type("Engineers explain the repair")
    page.keyboard.press("Enter")
    page.locator(".story-block--video").wait_for()
    assert (
        '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="Engineers explain the repair">'
        in body(page)
    )
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')"), "focus is back in the text"
    page.keyboard.type("Written after the video.")
    assert "<p>Written after the video.</p>" in body(page)

    # Alt+F10 goes to the toolbar where the keyboard last was; Escape back to the text.
    page.keyboard.press(f"{ALT}+F10")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Video from DVIDS or YouTube"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')")
    assert page.locator(TOOLBAR).evaluate("bar => bar.querySelectorAll('[tabindex=\"0\"]').length") == 1

    # Every toolbar button has a name and a shortcut; this one opens its dialog from the text.
    page.keyboard.press(f"{MOD}+{ALT}+v")
    assert page.get_by_role("dialog", name="Add a video").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").count()
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')"), "focus returns on closing"
    assert text.is_visible()
    assert page.console_errors == []


def test_every_toolbar_button_has_a_name_a_shortcut_and_a_tooltip_that_says_both(editor_page):
    page = editor_page
    text = page.open_story_form("/admin/stories/story/add/")
    text.click()
    toolbar_button(page, "Table").click()
    page.get_by_role("button", name="Insert table").click()  # the table's own buttons appear
    buttons = page.locator(f"{TOOLBAR} button").evaluate_all(
        """buttons => buttons.map(b => ({
            name: b.getAttribute('aria-label'), tooltip: b.dataset.tooltip,
            keys: b.getAttribute('aria-keyshortcuts'), title: b.title}))"""
    )
    assert len(buttons) >= 25
    for button in buttons:
        assert button["name"] and button["keys"], button
        assert button["tooltip"].startswith(f"{button['name']} (") and button["tooltip"].endswith(")"), button
        assert not button["title"], "one tooltip, not the browser's too"
    names = [button["name"] for button in buttons]
    assert len(names) == len(set(names)), "each button says what it does"

    # A shortcut bound by the toolbar works from the text: a pull quote.
    text.locator("td p").last.click()
    text.locator("p").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.type("Nobody left until the water went down.")
    page.keyboard.press(f"{MOD}+{ALT}+q")
    assert '<blockquote class="pull-quote"><p>Nobody left until the water went down.</p></blockquote>' in body(page)
    assert toolbar_button(page, "Pull quote").get_attribute("aria-pressed") == "true"
    page.keyboard.press(f"{MOD}+b")
    page.keyboard.type(" Ever.")
    assert "<strong> Ever.</strong>" in body(page)

    # An abbreviation, spelled out for screen readers.
    page.keyboard.press("Enter")
    page.keyboard.press(f"{MOD}+b")
    page.keyboard.type("DOD")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    toolbar_button(page, "Abbreviation").click()
    page.get_by_role("dialog", name="Abbreviation").get_by_label("What it stands for").fill("Department of Defense")
    page.keyboard.press("Enter")
    assert '<p><abbr title="Department of Defense">DOD</abbr></p>' in body(page)

    # The word count is said once the typing pauses, not at every key.
    voice = page.locator(".story-editor-visually-hidden[role=status]")
    text.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" said the colonel")
    assert voice.inner_text() != page.inner_text(".story-editor-count")
    page.wait_for_timeout(2500)
    assert voice.inner_text() == page.inner_text(".story-editor-count") == "12 words, about 1 minute to read"
    assert page.console_errors == []


def test_photo_blocks_show_what_they_are_move_with_buttons_and_take_a_caption_for_this_story(
    editor_page, make_story, make_photo
):
    page = editor_page
    described = make_photo(title="Closing the Breach", alt_text="")
    overridden = make_photo(title="Sandbag Line")
    story = make_story(
        published=False,
        body=f'<p>One.</p><figure data-photo="{described.pk}"></figure><p>Two.</p>'
        f'<figure data-photo="{overridden.pk}" data-caption="Soldiers stack sandbags, June 14."></figure>',
    )
    text = page.open_story_form(f"/admin/stories/story/{story.pk}/change/")
    cards = text.locator(".story-block--photo")
    first, second = cards.nth(0), cards.nth(1)
    first.get_by_text("Closing the Breach").wait_for()
    assert described.virin in first.inner_text()
    warning = first.locator(".story-block__warning")
    assert warning.inner_text().startswith("No alt text yet: the story cannot be published")
    assert warning.get_by_role("link").get_attribute("href") == f"/admin/photos/photoasset/{described.pk}/change/"
    # A draft's photo is embargoed: its picture comes through the view that checks who asks (it loads
    # a moment after the card is drawn).
    first.locator("img").element_handle().wait_for_element_state("visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.locator("img").element_handle())
    assert "Caption in this story: Soldiers stack sandbags, June 14." in second.inner_text()
    page.screenshot(path=ARTIFACTS / "story-editor-photo-blocks.png", full_page=True)

    # Moving without dragging (WCAG 2.5.7): the block moves, the keyboard stays on its button.
    second.get_by_role("button", name="Move up").click()
    order = f'<p>One.</p><figure data-photo="{described.pk}"></figure><figure data-photo="{overridden.pk}"'
    assert body(page).startswith(order), "above the paragraph it followed"
    assert page.evaluate("document.activeElement.dataset.action") == "Move up"
    page.keyboard.press("Enter")
    assert body(page).startswith(f'<p>One.</p><figure data-photo="{overridden.pk}"'), "above the other photo"

    # This story's caption, written in a dialog; the photo keeps its own.
    card = text.locator(".story-block--photo", has_text="Closing the Breach")
    card.get_by_role("button", name="Edit caption").click()
    page.get_by_label("Caption for this story").fill("The breach, closed at dawn.")
    page.get_by_role("button", name="Use this caption").click()
    assert f'<figure data-photo="{described.pk}" data-caption="The breach, closed at dawn."></figure>' in body(page)
    assert page.evaluate("document.activeElement.dataset.action") == "Edit caption", "focus returns to the button"
    described.refresh_from_db()
    assert described.caption != "The breach, closed at dawn."

    # A block selected in the text: Enter edits its caption; cut and paste moves it with the text.
    card.locator(".story-block__details").click()
    assert card.evaluate("card => card.classList.contains('is-selected')")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Caption in this story")
    assert dialog.get_by_label("Caption for this story").input_value() == "The breach, closed at dawn."
    dialog.get_by_role("button", name="Use the photo’s own caption").click()
    assert f'<figure data-photo="{described.pk}"></figure>' in body(page)
    card.locator(".story-block__details").click()
    page.keyboard.press(f"{MOD}+x")
    assert f'data-photo="{described.pk}"' not in body(page)
    text.get_by_text("One.").click()
    page.keyboard.press("Home")
    page.wait_for_function("() => document.querySelector('.ProseMirror').editor.state.selection.from === 1")
    page.keyboard.press(f"{MOD}+v")
    assert body(page).startswith(f'<figure data-photo="{described.pk}"></figure><p>One.</p>'), body(page)

    # Replacing the photo forgets the caption written for the old one.
    second = text.locator(".story-block--photo", has_text="Sandbag Line")
    second.get_by_role("button", name="Replace photo").click()
    page.get_by_role("dialog", name="Replace the photo").get_by_role(
        "button", name=f"Closing the Breach {described.virin}"
    ).click()
    assert f'data-photo="{overridden.pk}"' not in body(page)
    assert body(page).count(f'<figure data-photo="{described.pk}"></figure>') == 2

    card.first.get_by_role("button", name="Remove").click()
    assert body(page).count(f'data-photo="{described.pk}"') == 1
    assert page.console_errors == []


def test_a_photo_gone_from_the_library_or_without_a_file_says_so_instead_of_a_broken_picture(
    editor_page, make_story, make_photo
):
    from tests.photos.conftest import photo_without_file

    page = editor_page
    no_file = photo_without_file(title="Old Parade", alt_text="Soldiers march past a reviewing stand.")
    gone = make_photo()
    gone_id = gone.pk
    gone.delete()
    story = make_story(
        published=False, body=f'<figure data-photo="{no_file.pk}"></figure><figure data-photo="{gone_id}"></figure>'
    )
    text = page.open_story_form(f"/admin/stories/story/{story.pk}/change/")
    cards = text.locator(".story-block--photo")
    cards.nth(0).get_by_text("Old Parade").wait_for()
    assert (
        "No image file. Readers see its alt text: “Soldiers march past a reviewing stand.”" in cards.nth(0).inner_text()
    )
    assert cards.nth(0).locator("img").count() == 0
    assert f"Photo {gone_id} is no longer in the library" in cards.nth(1).inner_text()
    toolbar_button(page, "Photo from the library").click()
    chooser = page.get_by_role("dialog", name="Choose a photo")
    chooser.get_by_label("Service").select_option("D")  # no_file's VIRIN: 200415-D-…
    chooser.get_by_text("1 photo on page 1.").wait_for()
    chooser_choice = page.get_by_role("button", name=f"Old Parade {no_file.virin}")
    assert "Soldiers march past a reviewing stand." in chooser_choice.inner_text()
    assert chooser_choice.locator("img").count() == 0
    assert page.console_errors == []


def test_the_editor_prompts_for_subheadings_in_order_and_link_text_that_says_where_it_goes(editor_page):
    page = editor_page
    text = page.open_story_form("/admin/stories/story/add/")
    advice = page.locator(".story-editor-advice li")
    text.click()
    page.keyboard.type("#### Deep first\n")
    assert advice.all_inner_texts() == [
        "The subheading “Deep first” is level 4 after level 1: make it level 2, so screen readers can follow "
        "the outline."
    ]
    assert "id_body_advice" in text.get_attribute("aria-describedby"), "screen readers hear it with the field"
    page.keyboard.press("ArrowUp")
    # ProseMirror learns of a caret the browser moved at the next selectionchange event.
    page.wait_for_function(
        "() => document.querySelector('.ProseMirror').editor.state.selection.$from.parent.type.name === 'heading'"
    )
    page.keyboard.press(f"{MOD}+{ALT}+2")
    assert body(page).startswith("<h2>Deep first</h2>"), body(page)
    assert advice.count() == 0

    page.keyboard.press("ArrowDown")
    page.keyboard.type("click here")
    page.keyboard.press(f"{MOD}+a")
    page.keyboard.press(f"{MOD}+k")
    page.get_by_role("dialog").get_by_label("Web address").fill("https://www.usace.army.mil")
    page.keyboard.press("Enter")
    assert advice.all_inner_texts() == ["The link text “click here” does not say where it goes: use words that do."]
    assert page.console_errors == []


def test_paste_from_word_or_google_docs_keeps_only_the_bodys_structure(editor_page):
    page = editor_page
    text = page.open_story_form("/admin/stories/story/add/")
    text.click()
    word = (
        '<h1 class="MsoTitle">Flood Update</h1>'
        '<p class=MsoNormal style="margin:0"><b style="mso-bidi-font-weight:normal">'
        '<span style="font-family:Calibri">Crews</span></b> '
        '<span style="color:red">worked</span> overnight.<o:p></o:p></p>'
        "<p class=MsoListParagraphCxSpFirst style='text-indent:-.25in;mso-list:l0 level1 lfo1'>"
        "<span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span>&nbsp;&nbsp;</span></span></span>"
        "Sandbags<o:p></o:p></p>"
        "<p class=MsoListParagraphCxSpLast style='text-indent:-.25in;mso-list:l0 level1 lfo1'>"
        "<span style='mso-list:Ignore'>·<span>&nbsp;</span></span>Pumps<o:p></o:p></p>"
        '<script>alert("no")</script><p onclick="alert(1)">Done.</p>'
    )
    docs = (
        '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">'
        '<h2 dir="ltr"><span style="font-size:16pt">Next steps</span></h2>'
        '<p dir="ltr"><span style="font-weight:700">Inspect</span> the '
        '<span style="font-style:italic">levee</span> daily.</p>'
        '<ol><li dir="ltr" style="list-style-type:decimal"><p dir="ltr"><span>Walk it</span></p></li></ol></b>'
    )
    for pasted in (word, docs):
        page.keyboard.press("Enter")  # each paste in a paragraph of its own
        page.evaluate(
            """html => {
                const data = new DataTransfer()
                data.setData('text/html', html)
                data.setData('text/plain', 'plain')
                document.querySelector('.ProseMirror').dispatchEvent(
                    new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}))
            }""",
            pasted,
        )
    posted = body(page)
    assert "<h2>Flood Update</h2>" in posted, "H1 is the headline: a pasted one is a subheading"
    assert "<p><strong>Crews</strong> worked overnight.</p>" in posted
    assert "<ul><li><p>Sandbags</p></li><li><p>Pumps</p></li></ul>" in posted, "Word's list is a list again"
    assert "<p>Done.</p>" in posted
    assert "<h2>Next steps</h2>" in posted
    assert "<p><strong>Inspect</strong> the <em>levee</em> daily.</p>" in posted
    assert "<ol><li><p>Walk it</p></li></ol>" in posted
    for dropped in ("style", "class", "script", "onclick", "Mso", "·", "dir="):
        assert dropped not in posted, dropped
    assert page.console_errors == []


def test_link_and_video_dialogs_refuse_what_the_body_does_not_allow_and_say_why(editor_page):
    page = editor_page
    text = page.open_story_form("/admin/stories/story/add/")
    text.click()
    page.keyboard.type("See the repairs.")
    page.keyboard.press(f"{MOD}+a")
    page.keyboard.press(f"{MOD}+k")
    dialog = page.get_by_role("dialog", name="Link to a web address")
    address = dialog.get_by_label("Web address")
    address.fill("javascript:alert(1)")
    page.keyboard.press("Enter")
    assert dialog.get_by_text("Use an address that starts with https://, http:// or mailto:").is_visible()
    assert address.get_attribute("aria-invalid") == "true"
    assert dialog.get_by_label("Open in new window").count() == 0
    address.fill("www.usace.army.mil")
    page.keyboard.press("Enter")
    assert body(page) == '<p><a href="https://www.usace.army.mil">See the repairs.</a></p>'

    page.keyboard.press("End")
    toolbar_button(page, "Video from DVIDS or YouTube").click()
    video = page.get_by_role("dialog", name="Add a video")
    video.get_by_label("Video address").fill("https://vimeo.com/123456")
    video.get_by_role("button", name="Add video").click()
    assert "This is not a DVIDS or YouTube video address." in video.inner_text()
    assert "This field is required." in video.inner_text(), "a title is required"
    video.get_by_label("Video address").fill("https://www.youtube.com/embed/dQw4w9WgXcQ")
    video.get_by_label("Title").fill("The levee from the air")
    video.get_by_role("button", name="Add video").click()
    assert (
        '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="The levee from the air">'
        in body(page)
    )
    assert page.console_errors == []


def test_story_add_and_change_pages_pass_axe_at_wcag_22_aa_with_the_editor_and_its_dialogs(
    editor_page, make_story, make_photo
):
    page = editor_page
    photo = make_photo(title="Closing the Breach", alt_text="")
    story = make_story(
        published=False,
        body=f'<h2>Repairs</h2><p>One.</p><figure data-photo="{photo.pk}"></figure>'
        '<figure data-video="https://www.dvidshub.net/video/912345" data-title="Repairs"></figure>'
        "<table><tbody><tr><th><p>Unit</p></th></tr><tr><td><p>Army</p></td></tr></tbody></table>",
    )
    failures = []
    for name, address in (("add", "/admin/stories/story/add/"), ("change", f"/admin/stories/story/{story.pk}/change/")):
        page.open_story_form(address)
        page.locator(".story-block, .ProseMirror p").first.wait_for()
        page.wait_for_timeout(300)
        failures.append((f"{name} page as loaded", axe_violations(page)))
        toolbar_button(page, "Photo from the library").click()
        page.locator(".photo-chooser__choice").first.wait_for()
        failures.append((f"{name} page with the photo chooser open", axe_violations(page)))
        page.screenshot(path=ARTIFACTS / f"story-editor-axe-{name}-chooser.png")
        page.keyboard.press("Escape")
    found = "\n".join(f"{state}:\n{violations}" for state, violations in failures if violations)
    assert not found, "axe-core found WCAG 2.2 AA violations:\n" + found
    assert page.console_errors == []


def test_readers_see_the_figures_and_the_story_link_follows_a_new_slug(editor_page, site_url, make_story, make_photo):
    page = editor_page
    linked = make_story(headline="Engineers Close Final Levee Breach", slug="engineers-close-final-levee-breach")
    photo = make_photo(title="Closing the Breach")
    text = page.open_story_form("/admin/stories/story/add/")
    story_form_fields(page, headline="Levee Holds Through the Storm")
    text.click()
    page.keyboard.type("The levee held. Read about ")
    toolbar_button(page, "Link to another story").click()
    page.get_by_label("Words in its headline").fill("levee breach")
    page.get_by_role("button", name=re.compile("Engineers Close Final Levee Breach")).click()
    toolbar_button(page, "Photo from the library").click()
    page.get_by_role("button", name=f"Closing the Breach {photo.virin}").click()
    page.click("input[name=_publish]")
    assert "is published" in page.inner_text(".messagelist")

    Story.objects.filter(pk=linked.pk).update(slug="levee-breach-closed")
    page.goto(site_url + Story.objects.get(headline="Levee Holds Through the Storm").get_absolute_url())
    figure = page.locator("figure").first
    assert "Closing the Breach" in figure.inner_text()
    assert "Photo By: Petty Officer 1st Class Tomas Varga, Navy" in figure.inner_text()
    assert f"VIRIN: {photo.virin}" in figure.inner_text()
    link = page.get_by_role("link", name="Engineers Close Final Levee Breach")
    assert link.get_attribute("href") == "/news/levee-breach-closed/"
    assert page.console_errors == []
