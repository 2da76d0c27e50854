"""The site's filters for the admin's templates (Django's engine); readers' pages get theirs from
newsroom/website/jinja.py."""

from django import template

from newsroom.core.apstyle import ap_date, ap_datetime

register = template.Library()
register.filter("ap_date", ap_date)
register.filter("ap_datetime", ap_datetime)
