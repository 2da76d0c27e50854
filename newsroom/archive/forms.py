from django import forms

from newsroom.archive.models import Collection


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
        help_text="The stories keep their addresses and gain this collection's notice.",
    )
