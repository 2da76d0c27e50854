"""The API's browsable docs at /api/v1/docs render under the site's Content-Security-Policy
(scripts and styles from our own static files only, no CDN), in Debian's headless Chromium, and can
call the API. A screenshot lands in test-artifacts/."""

import pytest

from newsroom.stories.models import Tag
from tests.website.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_uses_no_cdn_and_keeps_the_sites_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = response.content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_docs_render_in_a_browser_and_try_an_endpoint(page, site_url):
    Tag.objects.create(name="Flood Control", slug="flood-control")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Newsroom public API" in page.locator(".swagger-ui .info .title").inner_text()
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = {operations.nth(number).inner_text().replace("\u200b", "") for number in range(operations.count())}
    assert {"/api/v1/stories", "/api/v1/photos/{virin}", "/api/v1/search"} <= paths
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-docs-top.png")
    # Try the tags list from the page itself.
    page.locator("#operations-default-listTags .opblock-summary").click()
    page.locator("#operations-default-listTags .try-out__btn").click()
    page.locator("#operations-default-listTags .execute").click()
    page.locator("#operations-default-listTags .live-responses-table .response-col_status").first.wait_for()
    assert "flood-control" in page.locator("#operations-default-listTags .live-responses-table").inner_text()
    page.screenshot(path=ARTIFACTS / "api-docs-tried.png")
    assert all(url.startswith(site_url) for url in requests), [url for url in requests if not url.startswith(site_url)]
    assert page.console_errors == [], "the page logged errors (a CSP refusal shows here)"
