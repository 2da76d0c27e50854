"""Every newsroom command behaves the same: --help with examples, --dry-run when it writes, exit status 2 on bad usage.

The commands are found the way manage.py finds them, so a command added later is checked too.
"""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class

from newsroom.search.indexing import index_in_use
from newsroom.search.models import StorySearchDocument

NEWSROOM_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("newsroom."))

# Commands that change nothing, so have nothing for --dry-run to undo.
READ_ONLY = {
    "audit_photos",  # reports on the photo library
    "audit_site",  # renders readers' pages in this process and reports; writes nothing
    "export_newsroom",  # reads the newsroom; writes only the bundle file it is asked for
}


def run_from_shell(name, *args):
    """What an operator gets from `manage.py NAME ARGS`: the exit status and the text printed."""
    command = load_command_class(get_commands()[name], name)
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", name, *args])
    return exited.value.code


def test_the_newsroom_commands_are_found():
    assert {
        "audit_photos",
        "create_editor",
        "load_demo",
        "rebuild_renditions",
        "archive_stories",
        "unarchive_stories",
        "rebuild_search_index",
        "import_text_stories",
    } <= set(NEWSROOM_COMMANDS)


@pytest.mark.parametrize("name", NEWSROOM_COMMANDS)
def test_help_describes_the_command_with_examples(name, capsys):
    assert run_from_shell(name, "--help") == 0
    text = capsys.readouterr().out
    description, _, examples = text.partition("Examples:")
    assert examples, f"manage.py {name} --help has no “Examples:” block"
    assert len(description.split("\n\n")[1]) > 40, "a description before the examples"
    assert re.search(rf"^ +(?:\S+ )*manage\.py {name}\b", examples, re.MULTILINE), (
        "examples on their own lines, as typed"
    )
    if name not in READ_ONLY:
        assert "--dry-run" in text, f"{name} writes, so it takes --dry-run"


@pytest.mark.parametrize("name", NEWSROOM_COMMANDS)
def test_an_unknown_option_is_bad_usage(name, capsys):
    assert run_from_shell(name, "--no-such-option") == 2
    assert "error:" in capsys.readouterr().err


# Dry runs of the commands that had none: nothing in the database, no files left.


@pytest.mark.django_db
def test_create_editor_dry_run_saves_no_account_and_writes_no_password_file(tmp_path):
    password_file = tmp_path / ".demo-login"
    out = StringIO()

    call_command(
        "create_editor", "jdoe", "--role", "writer", "--password-file", str(password_file), "--dry-run", stdout=out
    )

    assert out.getvalue() == "Would create “jdoe” (writer) with a generated password. Dry run: nothing was saved.\n"
    assert not get_user_model().objects.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_create_editor_refuses_an_unusable_name_as_bad_usage():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Could not create “j doe!”: Enter a valid username") as raised:
        call_command("create_editor", "j doe!", stdout=StringIO())
    assert raised.value.returncode == 2
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_rebuild_search_index_dry_run_leaves_the_index_as_it_was(make_story):
    make_story(headline="Levee Holds")
    make_story(headline="Second Story")
    StorySearchDocument.objects.all().delete()
    out = StringIO()

    call_command("rebuild_search_index", "--dry-run", stdout=out)

    assert StorySearchDocument.objects.count() == 0
    if index_in_use():
        assert out.getvalue() == "Would rebuild the search index: 2 stories. Dry run: nothing was saved.\n"
    else:
        assert out.getvalue().startswith("Nothing to rebuild: on SQLite")
