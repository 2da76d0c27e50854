"""Dates and times in the admin, AP style with the zone: "Dec. 6, 2026, 6:14 p.m. EST".

Django's English formats are AP style already except that they leave out the zone; editors
schedule to the minute across zones, so every moment the admin shows names it. What is not set
here comes from Django's own English formats.
"""

from newsroom.core.apstyle import AP_DATETIME_FORMAT

DATETIME_FORMAT = AP_DATETIME_FORMAT
