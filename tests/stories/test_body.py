"""The body's one canonical form (docs/STORY_BODY.md): what clean_body keeps of every input, hostile
or merely untidy, and what is read back from it."""

from html.parser import HTMLParser
from types import SimpleNamespace

import nh3
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from newsroom.stories.body import (
    EMBED_ORIGINS,
    as_legacy,
    body_text,
    clean,
    clean_body,
    legacy_body,
    linked_story_ids,
    parse_video,
    photo_blocks,
    reader_blocks,
    validate_body,
    with_keys,
)
from newsroom.stories.body.clean import _SANITISED, _tree

# --------------------------------------------------------------------------- hostile input, one by one


@pytest.mark.parametrize(
    "written, kept",
    [
        # Scripts go with their contents; the words around them stay.
        ("<p>Before<script>alert('x')</script> after</p>", "<p>Before after</p>"),
        ('<script src="https://evil.example/x.js"></script><p>Text</p>', "<p>Text</p>"),
        # An image is not a block (photos come from the library, by id): it goes, with its handler.
        ("<p>Levee<img src=x onerror=alert(1)> held</p>", "<p>Levee held</p>"),
        # Event attributes on anything.
        ('<p onclick="steal()" onmouseover="x()">Click</p>', "<p>Click</p>"),
        (
            '<a href="https://www.usa.gov/" onclick="x()">USA.gov</a>',
            '<p><a href="https://www.usa.gov/">USA.gov</a></p>',
        ),
        # Styles: the attribute and the element, whose rules are not words.
        ('<p style="color:red;position:fixed">Red</p>', "<p>Red</p>"),
        ("<style>p { display: none }</style><p>Shown</p>", "<p>Shown</p>"),
        # Addresses that run code or carry a page: the link goes, its words stay.
        ('<p><a href="javascript:alert(1)">Run</a> me</p>', "<p>Run me</p>"),
        ('<p><a href="JavaScript:alert(1)">Run</a></p>', "<p>Run</p>"),
        ('<p><a href="data:text/html,<script>x</script>">Data</a></p>', "<p>Data</p>"),
        ('<p><a href="vbscript:x">Old</a></p>', "<p>Old</p>"),
        # A frame from anywhere but the two video hosts: dropped, fallback text and all.
        ('<p>A</p><iframe src="https://evil.example/embed">fallback</iframe><p>B</p>', "<p>A</p><p>B</p>"),
        ('<iframe src="//www.youtube.com/embed/dQw4w9WgXcQ" title="No scheme"></iframe>', ""),
        # Unknown elements: gone, their text kept where it is text.
        ("<p><marquee>Breaking</marquee> news</p>", "<p>Breaking news</p>"),
        ('<p><font color="red" face="Comic Sans">Red</font> text</p>', "<p>Red text</p>"),
        ("<object data=x>Plugin</object><embed src=y>", "<p>Plugin</p>"),
        ('<form action="/x"><input name=q value=v><button>Go</button></form>', "<p>Go</p>"),
        # A drawing (SVG, MathML) goes whole: its words are part of the picture, not of the story.
        ("<p>A</p><svg><script>x()</script><text>Vector</text></svg>", "<p>A</p>"),
        # Classes and ids, except a pull quote's.
        ('<p class="usa-alert" id="main">Text</p>', "<p>Text</p>"),
        # Comments.
        ("<p>Seen<!-- hidden --></p>", "<p>Seen</p>"),
    ],
)
def test_hostile_input_keeps_exactly_this(written, kept):
    assert clean_body(written) == kept


def test_an_allowed_video_frame_becomes_a_video_block():
    assert clean_body(
        '<iframe width="560" src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=x" title="Levee repairs" '
        'allow="autoplay" style="border:0"></iframe>'
    ) == ('<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="Levee repairs"></figure>')
    assert clean_body(
        '<iframe src="https://www.dvidshub.net/video/embed/912345" title="Guard fills sandbags"></iframe>'
    ) == ('<figure data-video="https://www.dvidshub.net/video/912345" data-title="Guard fills sandbags"></figure>')


def test_h1_is_the_headline_so_it_becomes_h2_and_h5_h6_become_h4():
    assert clean_body("<h1>Big</h1><h3>Mid</h3><h5>Small</h5><h6>Smaller</h6>") == (
        "<h2>Big</h2><h3>Mid</h3><h4>Small</h4><h4>Smaller</h4>"
    )


def test_text_outside_blocks_is_wrapped_in_a_paragraph_of_its_own():
    assert clean_body("Loose words <em>here</em><p>A paragraph</p>and more") == (
        "<p>Loose words <em>here</em></p><p>A paragraph</p><p>and more</p>"
    )


def test_a_story_link_keeps_its_id_and_one_pointing_at_nothing_keeps_its_words():
    assert clean_body('<p><a href="/news/levee/" data-story="42">The levee</a></p>') == (
        '<p><a href="/news/levee/" data-story="42">The levee</a></p>'
    )
    # Not an id: the link is an ordinary one to its address on this site.
    assert clean_body('<p><a href="/news/levee/" data-story="levee">The levee</a></p>') == (
        '<p><a href="/news/levee/">The levee</a></p>'
    )
    assert clean_body('<p><a data-story="0">Nothing</a> and <a data-story="-3">less</a></p>') == (
        "<p>Nothing and less</p>"
    )


def test_a_photo_block_needs_a_photo_id():
    assert clean_body('<figure data-photo="12"></figure>') == '<figure data-photo="12"></figure>'
    for not_an_id in ("x12", "12; drop table", "", "0", "1e3", "٣"):
        assert clean_body(f'<figure data-photo="{not_an_id}"></figure>') == "", not_an_id
    # A figure pasted from another page: no photo id, so its words are what is left.
    assert clean_body('<figure><img src="a.jpg"><figcaption>A caption</figcaption></figure>') == "<p>A caption</p>"


def test_a_photo_caption_is_plain_text():
    assert clean_body('<figure data-photo="7" data-caption="  Sailors <b>carry</b> &quot;boxes&quot;  "></figure>') == (
        '<figure data-photo="7" data-caption="Sailors &lt;b&gt;carry&lt;/b&gt; &quot;boxes&quot;"></figure>'
    )


def test_a_table_without_a_header_row_is_kept_for_the_checks_before_publishing_to_name():
    # Issue 16's checks list such tables; cleaning does not guess which row is the header.
    assert clean_body("<table><tr><td>Patients</td><td>9,000</td></tr></table>") == (
        "<table><tbody><tr><td><p>Patients</p></td><td><p>9,000</p></td></tr></tbody></table>"
    )


# --------------------------------------------------------------------------- the canonical form


def test_every_block_kind_survives_as_the_editor_writes_it():
    body = (
        "<p>The <strong>levee</strong> <em>held</em>, H<sub>2</sub>O, 10<sup>3</sup>, "
        '<abbr title="Army National Guard">ARNG</abbr>,<br>a <a href="mailto:pa@example.gov">line</a>.</p>'
        "<h2>What Comes Next</h2><h3>Repairs</h3><h4>Costs</h4>"
        "<ul><li><p>Sandbags</p><ul><li><p>40,000</p></li></ul></li><li><p>Pumps</p></li></ul>"
        '<ol start="3"><li><p>Third</p></li></ol>'
        '<blockquote class="pull-quote"><p>"Buy time."</p></blockquote><blockquote><p>Quoted.</p></blockquote>'
        '<table><tbody><tr><th><p>Item</p></th><th colspan="2"><p>Count</p></th></tr>'
        '<tr><td rowspan="2"><p>Bags</p></td><td><p></p></td><td><p>40,000</p></td></tr></tbody></table>'
        '<figure data-photo="5" data-caption="Our caption"></figure>'
        '<figure data-video="https://www.dvidshub.net/video/912345" data-title="Sandbag line"></figure>'
    )
    assert clean_body(body) == body


def test_old_markup_and_a_thead_take_the_canonical_form():
    assert clean_body("<p><b>Bold</b> <i>italic</i></p>") == "<p><strong>Bold</strong> <em>italic</em></p>"
    assert (
        clean_body(
            '<table><caption>Totals</caption><thead><tr><th colspan="1">H</th></tr></thead>'
            '<tbody><tr><td colspan="x">1</td></tr></tbody></table>'
        )
        == "<p>Totals</p><table><tbody><tr><th><p>H</p></th></tr><tr><td><p>1</p></td></tr></tbody></table>"
    )
    assert clean_body('<ol start="two"><li>One</li></ol>') == "<ol><li><p>One</p></li></ol>"
    assert clean_body('<blockquote class="big pull-quote"><h2>Said</h2></blockquote>') == (
        '<blockquote class="pull-quote"><p>Said</p></blockquote>'
    )


def test_blocks_out_of_place_keep_their_words_as_paragraphs():
    # A list item outside a list, a table in a quote, a list in a table cell, blocks inside a line.
    assert clean_body("<li>Stray item</li>") == "<p>Stray item</p>"
    assert clean_body("<blockquote><table><tr><td>A</td><td>B</td></tr></table></blockquote>") == (
        "<blockquote><p>A</p><p>B</p></blockquote>"
    )
    assert clean_body("<table><tr><td><ul><li>One</li><li>Two</li></ul></td></tr></table>") == (
        "<table><tbody><tr><td><p>One</p><p>Two</p></td></tr></tbody></table>"
    )
    assert clean_body("<p><em>Lead <strong>in</strong></em></p><em><p>x</p><p>y</p></em>") == (
        "<p><em>Lead <strong>in</strong></em></p><p><em>x y</em></p>"
    )


def test_white_space_is_as_a_reader_sees_it_and_empty_blocks_go():
    assert clean_body("<p>  The   levee\n held  <em> overnight </em> . </p><p> </p><p><em></em></p>") == (
        "<p>The levee held <em>overnight </em>.</p>"
    )
    assert clean_body("<p>Line one <br>  line two</p>") == "<p>Line one<br>line two</p>"
    # A non-breaking space is the writer's own ("Sept.\u00a022"): kept.
    assert clean_body("<p>Sept.\u00a022</p>") == "<p>Sept.\u00a022</p>"
    assert clean_body("") == clean_body("   ") == clean_body("<p></p>") == ""


@pytest.mark.parametrize(
    "written",
    [
        "plain text & <b>bold",
        "<p>a<p>b</p></p><ul>stray<li>x</ul><table><td>y",
        '<a href="/x"><a href="/y">nested</a></a><h1><p>odd</p></h1>',
        "<blockquote><blockquote>deep</blockquote></blockquote><ol><ol><li>n</li></ol></ol>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; \"quotes\" 'single'</p>",
        '<figure data-video="https://youtu.be/dQw4w9WgXcQ"><p>x</p></figure><iframe src="https://youtu.be/dQw4w9WgXcQ">',
    ],
)
def test_cleaning_twice_is_cleaning_once(written):
    once = clean_body(written)
    assert clean_body(once) == once


# --------------------------------------------------------------------------- videos


@pytest.mark.parametrize(
    "address, page, embed",
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        (
            "https://www.dvidshub.net/video/912345/guard-fills-sandbags",
            "https://www.dvidshub.net/video/912345",
            "https://www.dvidshub.net/video/embed/912345",
        ),
        ("https://www.dvidshub.net/video/embed/912345", "https://www.dvidshub.net/video/912345", None),
    ],
)
def test_allowed_video_addresses_and_their_embeds(address, page, embed):
    video = parse_video(address)
    assert video.page_url == page
    if embed:
        assert video.embed_url == embed


@pytest.mark.parametrize(
    "address",
    [
        "https://vimeo.com/123456",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com:8080/watch?v=dQw4w9WgXcQ",
        "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.dvidshub.net/image/912345",
        "https://www.dvidshub.net/video/abc",
        "https://[www.youtube.com/watch?v=dQw4w9WgXcQ",
        "",
    ],
)
def test_any_other_address_is_not_a_video(address):
    assert parse_video(address) is None


def test_the_content_security_policy_frames_exactly_the_embed_hosts():
    assert settings.SECURE_CSP["frame-src"] == list(EMBED_ORIGINS)
    assert {
        parse_video(a).embed_url.split("/embed")[0].rsplit("/video", 1)[0]
        for a in ("https://youtu.be/dQw4w9WgXcQ", "https://www.dvidshub.net/video/1")
    } == set(EMBED_ORIGINS)


def test_a_save_refuses_a_video_from_another_host_or_without_a_title_naming_the_block():
    with pytest.raises(ValidationError) as refused:
        validate_body(
            '<p>Intro</p><figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="Fine"></figure>'
            '<figure data-video="https://vimeo.com/123456" data-title="Elsewhere"></figure>'
            '<iframe src="https://youtu.be/dQw4w9WgXcQ"></iframe>'
        )
    assert refused.value.messages == [
        "Video 2 (https://vimeo.com/123456): only YouTube and DVIDS videos can be shown, with an address like "
        "https://www.youtube.com/watch?v=… or https://www.dvidshub.net/video/…. Link to this video in the text "
        "instead, or remove the block.",
        "Video 3 (https://www.youtube.com/watch?v=dQw4w9WgXcQ) has no title. Give it one: it names the video for "
        "readers who use a screen reader and for those it cannot play for.",
    ]
    # A frame from anywhere else is not a video block: it is dropped like any unknown element.
    validate_body('<iframe src="https://evil.example/x"></iframe>')


# --------------------------------------------------------------------------- what is read from it


BODY = (
    '<figure data-photo="3"></figure><p>The <a href="/news/old/" data-story="5">levee</a> held.</p>'
    "<h2>Next</h2><ul><li><p>Pumps</p></li><li><p>Bags</p></li></ul>"
    '<figure data-photo="4" data-caption="Ours"></figure><blockquote><p>"Time."</p></blockquote>'
    "<table><tbody><tr><th><p>A</p></th></tr><tr><td><p>1</p></td></tr></tbody></table>"
    '<figure data-video="https://www.dvidshub.net/video/1" data-title="Film"></figure>'
)


def test_body_text_is_the_prose_block_by_block_without_photos_or_videos():
    assert body_text(BODY) == 'The levee held.\n\nNext\n\nPumps\n\nBags\n\n"Time."\n\nA\n\n1'
    assert body_text("<p>a &lt;b&gt; &amp; c<br>d</p>") == "a <b> & c d"


def test_photo_blocks_and_linked_stories():
    assert [(b.photo_id, b.caption) for b in photo_blocks(BODY)] == [(3, ""), (4, "Ours")]
    assert linked_story_ids(BODY) == {5}
    assert linked_story_ids("<p>No links</p>") == set()


def test_keys_can_be_changed_photos_dropped_and_links_unlinked():
    rekeyed = with_keys(
        BODY + '<figure data-photo="3"></figure><p><a data-story="9">Gone</a></p>',
        photo_id=lambda pk: {3: 30}.get(pk),
        story_link=lambda pk: (50, "/news/new/") if pk == 5 else None,
    )
    assert [b.photo_id for b in photo_blocks(rekeyed)] == [30]  # 4 dropped, and 3 shown only once
    assert '<a href="/news/new/" data-story="50">levee</a>' in rekeyed
    assert rekeyed.endswith("<p>Gone</p>")


def test_readers_get_current_addresses_outside_links_marked_and_header_cells_scoped():
    placements = [SimpleNamespace(photo_id=4, name="four")]
    blocks = reader_blocks(
        BODY + '<p><a href="https://www.usa.gov/">USA</a> <a href="/about/">About</a></p>',
        placements,
        {5: "/news/new/"},
    )
    shown = [b.placement.name if b.placement else (b.video.page_url if b.video else str(b.html)) for b in blocks]
    assert shown == [
        # Photo 3 has no placement (deleted since): not shown.
        '<p>The <a href="/news/new/">levee</a> held.</p>',
        "<h2>Next</h2>",
        '<ul class="usa-list"><li><p>Pumps</p></li><li><p>Bags</p></li></ul>',
        "four",
        '<blockquote><p>"Time."</p></blockquote>',
        '<div class="usa-table-container--scrollable"><table class="usa-table"><tbody>'
        '<tr><th scope="col"><p>A</p></th></tr><tr><td><p>1</p></td></tr></tbody></table></div>',
        "https://www.dvidshub.net/video/1",
        '<p><a href="https://www.usa.gov/" rel="noopener noreferrer">USA</a> <a href="/about/">About</a></p>',
    ]
    # A link to a story readers may not open is its words.
    assert str(reader_blocks('<p><a href="/news/x/" data-story="5">x</a></p>', [], {})[0].html) == "<p>x</p>"


def test_a_header_cell_starting_a_later_row_names_its_row():
    table = "<table><tbody><tr><th><p>Unit</p></th><th><p>Bags</p></th></tr><tr><th><p>1187th</p></th><td><p>40,000</p></td></tr></tbody></table>"
    html = str(reader_blocks(table, [], {})[0].html)
    assert '<th scope="col"><p>Unit</p></th>' in html and '<th scope="row"><p>1187th</p></th>' in html


# --------------------------------------------------------------------------- the old form


def test_legacy_paragraphs_and_placements_become_the_same_blocks_at_the_same_places():
    text = (
        "First <b>bold</b> and a <a href='/news/x/' title='t'>link</a>.\r\n\r\n"
        "Second\nline.<script>gone()</script>\n \u00a0\nThird.\n\n<script>only()</script>\n\nFourth."
    )
    placed = [(0, 1, ""), (2, 2, 'A "caption"'), (2, 3, ""), (4, 4, ""), (99, 5, "")]
    assert legacy_body(text, placed) == (
        '<figure data-photo="1"></figure>'
        '<p>First <strong>bold</strong> and a <a href="/news/x/">link</a>.</p>'
        "<p>Second line.</p>"
        '<figure data-photo="2" data-caption="A &quot;caption&quot;"></figure><figure data-photo="3"></figure>'
        "<p>Third.</p>"
        # The fourth paragraph was only a script: an empty paragraph then, still counted for placing.
        '<figure data-photo="4"></figure>'
        "<p>Fourth.</p>"
        '<figure data-photo="5"></figure>'  # after a paragraph that no longer existed: last, as it was shown
    )


def test_the_canonical_form_goes_back_to_paragraphs_where_it_can():
    text, placed = as_legacy(BODY)
    assert text.split("\n\n") == [
        'The <a href="/news/old/" data-story="5">levee</a> held.',
        "Next",
        "Pumps",
        "Bags",
        '"Time."',
        "A",
        "1",
        '<a href="https://www.dvidshub.net/video/1">Film</a>',
    ]
    assert placed == [(0, 3, ""), (4, 4, "Ours")]


# --------------------------------------------------------------------------- the scanner


class _ReferenceTree(HTMLParser):
    """What html.parser, which clean.py's scanner replaced for speed, makes of nh3's output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ("body", {}, [])
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = (tag, {name: value or "" for name, value in attrs}, [])
        self.open[-1][2].append(element)
        if tag != "br":
            self.open.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        children = self.open[-1][2]
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def _as_tuples(node):
    return node if isinstance(node, str) else (node.tag, node.attrs, [_as_tuples(child) for child in node.children])


SCANNED = [
    "<p>Levee &amp; dam &lt;b&gt; &nbsp;held&#160;— “quoted” 5 &gt; 4</p>",
    '<figure data-photo="7" data-caption="a > b &quot;c&quot; &amp; d <e>"></figure>',
    '<p><a href="https://example.mil/?a=1&amp;b=2" data-story="3">Link</a><br/>next<br></p>',
    '<P CLASS="x">Upper <B>case</B></P><ul><li>One<li>Two</ul>',
    "<table><tr><th colspan=2>Head</th></tr><tr><td>A<td>B</table>",
    '<blockquote class="pull-quote"><p>Quote</p></blockquote><abbr title="Department of &quot;Defense&quot;">DOD</abbr>',
    "<p>Unclosed <em>emphasis <strong>and strong</p><h2>Next",
    "plain text < not a tag, a lone & ampersand, and 3<4",
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="A &amp; B"></iframe>',
]


@pytest.mark.parametrize("written", SCANNED)
def test_the_scanner_reads_nh3_output_as_html_parser_does(written):
    sanitised = nh3.clean(written, **_SANITISED)
    reference = _ReferenceTree()
    reference.feed(sanitised)
    reference.close()
    assert _as_tuples(_tree(sanitised)) == reference.root


def test_the_scanner_reads_every_demo_body_as_html_parser_does():
    from newsroom.demo.content import STORIES

    for story in STORIES:
        test_the_scanner_reads_nh3_output_as_html_parser_does("".join(b for b in story.body if isinstance(b, str)))


EVERY_KIND = (
    "<h2>Work &amp; rest</h2><p>Crews <strong>worked</strong>, <em>slept</em> H<sub>2</sub>O x<sup>2</sup>"
    ' <abbr title="Department of &quot;Defense&quot;">DOD</abbr><br>next\u00a0line &lt;tag&gt;</p>'
    '<ul><li><p>One</p><ol start="3"><li><p>Nested</p></li></ol></li></ul>'
    '<blockquote class="pull-quote"><p>Quote</p></blockquote>'
    '<table><tr><th colspan="2">Head</th></tr><tr><td>A</td><td>B</td></tr></table>'
    '<figure data-photo="7" data-caption="a > b &quot;c&quot; &amp; d"></figure>'
    '<figure data-video="https://www.youtube.com/watch?v=dQw4w9WgXcQ" data-title="Levee &amp; dam"></figure>'
    '<p><a href="https://example.mil/?a=1&amp;b=2">Out</a> <a href="/news/x/" data-story="3">In</a></p>'
)


def test_a_canonical_body_is_read_straight_from_its_text_the_next_time_with_the_same_blocks():
    body = clean_body(EVERY_KIND)
    clean.stored_blocks.cache_clear()
    clean._KNOWN_CANONICAL.clear()
    cleaned = clean.stored_blocks(body)
    assert clean._digest(body) in clean._KNOWN_CANONICAL
    clean.stored_blocks.cache_clear()
    read_straight = clean.stored_blocks(body)
    assert [_as_tuples(block) for block in read_straight] == [_as_tuples(block) for block in cleaned]
    assert "".join(clean.to_html(block) for block in read_straight) == body


def test_a_body_not_in_the_canonical_form_is_cleaned_each_time_it_is_read():
    clean.stored_blocks.cache_clear()
    clean._KNOWN_CANONICAL.clear()
    untidy = '<p onclick="steal()">Hi <script>x()</script></p><iframe src="https://evil.example/"></iframe>'
    for _ in range(2):
        clean.stored_blocks.cache_clear()
        assert [clean.to_html(block) for block in clean.stored_blocks(untidy)] == ["<p>Hi</p>"]
    assert not clean._KNOWN_CANONICAL
