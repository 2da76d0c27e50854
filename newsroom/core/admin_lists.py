"""Changelists the admin shares."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateHierarchyChangeList(ChangeList):
    """Django's changelist, with a date drill-down past the calendar's end (`?at__year=9999`, whose
    next year Python cannot hold) answered as any other wrong filter is: the list without it and
    the admin's "?e=1", rather than a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class DateHierarchyAdmin:
    """For a ModelAdmin with a `date_hierarchy`."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
