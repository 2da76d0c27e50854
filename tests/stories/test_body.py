from types import SimpleNamespace

from newsroom.stories.body import body_blocks, split_paragraphs


def test_paragraphs_split_on_blank_lines_of_any_kind():
    body = "One\r\n\r\nTwo\nstill two\n \u00a0\nThree\n\n\n"
    assert split_paragraphs(body) == ["One", "Two still two", "Three"]


def placed(after, name):
    return SimpleNamespace(after_paragraph=after, name=name)


def test_photos_go_after_the_paragraph_named_and_past_the_end_go_last():
    blocks = body_blocks("A\n\nB", [placed(0, "top"), placed(1, "middle"), placed(9, "stray")])
    shown = [block.placement.name if block.placement else str(block.html) for block in blocks]
    assert shown == ["top", "A", "middle", "B", "stray"]


def test_only_inline_markup_survives():
    [block] = body_blocks(
        '<p onclick="x()">Hi <em>there</em> <iframe src="//evil"></iframe><a href="javascript:alert(1)">x</a></p>', []
    )
    assert str(block.html) == 'Hi <em>there</em> <a rel="noopener noreferrer">x</a>'
