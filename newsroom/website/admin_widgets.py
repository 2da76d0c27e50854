"""Widgets the admin's forms share."""

from django import forms
from django.db import models


class DayInput(forms.DateInput):
    """A day, with the browser's own date picker. Django's date widget adds the time-zone note
    it gives times, but a day (a photo's date taken, a correction's date) has no zone."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # the only form an <input type="date"> takes


# For a ModelAdmin's or an inline's formfield_overrides.
DAYS_WITHOUT_ZONE = {models.DateField: {"widget": DayInput}}
