"""The lines of a story's History (Django's LogEntry) that record no save of the story form.

The story form's save ends its saver's working copy (newsroom/editing); a list action or a note
written beside the form saves nothing typed, so the working copy must stay. The apps that write
those lines take their words from here, and editing reads them, without importing each other.
"""

LIST_ACTION = " (list action)."
NOTE_ADDED, NOTE_REPLIED = "Added a note", "Replied to a note"
NOTE_RESOLVED, NOTE_REOPENED = "Resolved a note", "Reopened a note"
_NOTE_LINES = (NOTE_ADDED, NOTE_REPLIED, NOTE_RESOLVED, NOTE_REOPENED)


def saved_from_the_form(message: str) -> bool:
    return LIST_ACTION.strip(" .") not in message and not message.startswith(_NOTE_LINES)
