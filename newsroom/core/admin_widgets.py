"""Widgets the admin's forms share."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db import models


class DayInput(forms.DateInput):
    """A day, with the browser's own date picker. Django's date widget adds the time-zone note
    it gives times, but a day (a photo's date taken, a correction's date) has no zone."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # the only form an <input type="date"> takes


# For a ModelAdmin's or an inline's formfield_overrides.
DAYS_WITHOUT_ZONE = {models.DateField: {"widget": DayInput}}


class TypedText(forms.CharField):
    """Text from a browser's textarea, with the line ends stored text has.

    Browsers send a textarea's line breaks as CR LF; stored text has LF. Without this, a story
    saved untouched from a browser would count as a changed body and get a new revision.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


# For formfield_overrides of an admin whose model has TextFields.
TEXT_AS_STORED = {models.TextField: {"form_class": TypedText}}


class AutocompleteChoices(AutocompleteSelectMultiple):
    """The admin's autocomplete for many choices (a story's tags, related stories), as screen readers
    need it: its search field is named by the field's label (js/admin-autocomplete.js), and
    select2's "clear all" is left out, a bare <span> inside its list of choices that axe-core
    refuses (each choice keeps its own remove button)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}

    @property
    def media(self):
        # After the admin's own script, which makes the autocompletes.
        return super().media + forms.Media(js=["admin/js/autocomplete.js", "js/admin-autocomplete.js"])
