import datetime
import zoneinfo

import pytest

from newsroom.core.apstyle import ap_date
from newsroom.website.jinja import download_size


@pytest.mark.parametrize(
    ("size", "shown"), [(3_320_000, "3.32 MB"), (1_000_000, "1.00 MB"), (47_400, "0.05 MB"), (120, "0.01 MB")]
)
def test_download_size(size, shown):
    assert download_size(size) == shown


def test_ap_date_shows_a_moment_in_the_sites_time_zone(settings):
    # 02:30 UTC on Sept. 23 is still Sept. 22 in Washington.
    moment = datetime.datetime(2020, 9, 23, 2, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert ap_date(moment) == "Sept. 22, 2020"
    assert ap_date(datetime.date(2021, 3, 4)) == "March 4, 2021"
    assert ap_date(None) == ""


def test_site_time_is_where_djangos_localtime_puts_a_moment(settings):
    from django.utils import timezone

    from newsroom.core.apstyle import site_time

    moments = [datetime.datetime(2026, month, 2, 3, 30, tzinfo=datetime.UTC) for month in (1, 7)]
    for zone in ("America/New_York", "Pacific/Guam", "UTC"):
        settings.TIME_ZONE = zone
        for moment in moments:
            assert site_time(moment) == timezone.localtime(moment)
            assert site_time(moment).utcoffset() == timezone.localtime(moment).utcoffset()
    with pytest.raises(ValueError, match="naive"):
        site_time(datetime.datetime(2026, 1, 2, 3, 30))
