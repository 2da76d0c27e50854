"""The API's rate limit holds across servers: two real app servers (gunicorn, production settings)
sharing the site's cache (Redis when the suite runs with it) count one client's requests together."""

import time

from tests.website.servers import fetch, gunicorn
from tests.website.test_servers import shared_site  # noqa: F401 (the fixture: one database, one cache)


def test_two_servers_count_a_client_together(shared_site):  # noqa: F811
    with gunicorn(**shared_site, API_RATE_LIMIT="4") as first, gunicorn(**shared_site, API_RATE_LIMIT="4") as second:
        if time.time() % 60 > 50:  # all within one minute's count
            time.sleep(61 - time.time() % 60)
        answers = [fetch(f"{site}/api/v1/").status for site in (first, second, first, second)]
        assert answers == [200, 200, 200, 200]
        refused = fetch(f"{second}/api/v1/")
        assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert fetch(f"{first}/api/v1/").status == 429
