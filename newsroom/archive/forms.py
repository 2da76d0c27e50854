from django import forms

from newsroom.archive.models import Collection
from newsroom.stories.models import ArchiveStatus


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = "__all__"

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # /archive/2020/ is the archive's year page, so an all-digit slug could never be reached.
        if slug.isdigit():
            raise forms.ValidationError(
                f"“{slug}” would clash with the archive's page for a year; add words, for example “{slug}-collection”."
            )
        return slug


class MoveToCollectionForm(forms.Form):
    """The admin's intermediate page for moving selected stories into a collection."""

    collection = forms.ModelChoiceField(
        queryset=Collection.objects.all(),
        label="Historical collection",
        empty_label=None,
        help_text="Each story moved keeps its address and gains this collection's notice.",
    )


class NeverArchiveField(forms.Form):
    """For the story form (a ModelForm of Story): "Never archive", ticked when the story is marked.

    The admin saves a change through the archive's services (admin_actions.NeverArchiveAdmin).
    """

    never_archive = forms.BooleanField(
        required=False,
        label="Never archive",
        help_text="Keep this story in current news for good: moves into historical collections, "
        "from the story list or by archive_stories, skip it. For example standing guidance.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("never_archive")
        if field is None:  # read-only for someone without the archive permission
            return
        story = self.instance
        field.initial = story.archive_status == ArchiveStatus.NEVER
        if story.archive_status == ArchiveStatus.ARCHIVED:
            # Disabled: whatever is posted for it is ignored.
            field.disabled = True
            field.help_text = (
                f"This story is in “{story.collection}”. To keep it in current news for good, bring it back "
                "first (the story list's action “Bring selected stories back from their historical "
                "collection”), then tick this."
            )
