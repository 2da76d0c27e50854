"""The story body's editor: django-prose-editor's configurable preset with the newsroom's blocks.

The editor writes the canonical HTML of docs/STORY_BODY.md. Its own extensions are modules in
static/js/story-editor/ (registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS); the endpoints
they call are the photo library's chooser and the story chooser, both admin views.
"""

from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import ImportMap, Media

# Reading time as the editor shows it under the body: words at this pace, rounded up to a minute.
READING_WORDS_PER_MINUTE = 200

# The blocks and marks of docs/STORY_BODY.md, and the editor's own tools. Menu groups name the
# toolbar's order; each button's name and shortcut are set in static/js/story-editor/toolbar.js.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},  # H1 is the headline
    "BulletList": True,
    "NumberedList": True,
    "ListItem": True,
    "Blockquote": True,
    "PullQuote": True,
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Abbreviation": True,
    "HardBreak": True,
    "StoryTable": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "WebLink": True,  # http, https and mailto only, never a new window (links.js)
    "StoryLink": True,
    "PhotoBlock": True,
    "VideoBlock": True,
    "StoryBody": True,
    "StoryToolbar": True,
    "Menu": {
        "groups": [
            {"group": "blockType -lists"},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "media"},
            {"group": "table"},
            {"group": "history"},
        ]
    },
}


class StoryBodyEditor(AdminProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config={"extensions": BODY_EXTENSIONS}, preset="configurable")

    def get_config(self):
        config = super().get_config()
        extensions = config["extensions"]
        extensions["PhotoBlock"] = {
            "chooser": reverse("admin:photos_photoasset_chooser"),
            "details": reverse("admin:photos_photoasset_chooser_details"),
            "upload": reverse("admin:photos_photoasset_chooser_upload"),
        }
        extensions["StoryLink"] = {"chooser": reverse("admin:stories_story_chooser")}
        extensions["StoryBody"] = {"wordsPerMinute": READING_WORDS_PER_MINUTE}
        return config

    @property
    def media(self):
        # The modules the newsroom's extensions share, named in the same import map as the
        # editor's own, so static file hashing reaches them too.
        shared = ImportMap(
            {
                "story-editor/dialogs": "js/story-editor/dialogs.js",
                "story-editor/blocks": "js/story-editor/blocks.js",
            }
        )
        # Our styles after the library's, which they adjust.
        styles = ["django_prose_editor/overrides.css", "css/story-editor.css"]
        return super().media + Media(importmap=shared, css={"all": styles})
