"""Search documents refreshed by the task worker (`manage.py db_worker`) after the change commits,
not in the editor's request: a photo placed in a thousand stories no longer holds up its save. Each
refresh reads the rows as they are when it runs, so the document is right whatever came between."""

from django.tasks import task

from newsroom.search import indexing


@task()
def refresh_search_document(story_id: int) -> None:
    indexing.refresh_story(story_id)


@task()
def refresh_photo_search_documents(photo_id: int) -> None:
    """The documents of every story placing the photo (its caption and VIRIN are in them)."""
    indexing.refresh_stories_with_photo(photo_id)
