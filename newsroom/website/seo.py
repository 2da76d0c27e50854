"""What a page says about itself: canonical address, share image, JSON-LD, share links.

Readers' templates call these (newsroom/website/jinja.py passes them the template's context).
Addresses are absolute, built from the request (whose host ALLOWED_HOSTS has vetted). A
page rendered without a request, like the 500 page, gets empty strings and the templates
leave those parts out.
"""

import html
import json
from urllib.parse import quote, urlencode

from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from newsroom.stories import structured_data

# What django.utils.html.json_script escapes, so the JSON cannot close the <script> element.
# json_script itself always writes type="application/json", which search engines do not read.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None and path else ""


def canonical_url(context, path=None):
    """The page's one address: no tracking or search parameters, but `?page=N` past page 1."""
    request = context.get("request")
    if request is None:
        return ""
    url = _absolute(context, path or request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


def share_image(context, photo):
    """The photo's 1200x630 share copy as `url`, `width`, `height` and `alt`, or None."""
    entry = structured_data.share_image(photo)
    if not entry:
        return None
    url = _absolute(context, photo.public_url(structured_data.SHARE_IMAGE))
    return {"url": url, "width": entry["width"], "height": entry["height"], "alt": photo.alt_text}


def plain_text(value, length=200):
    """Markup to a one-line description: tags stripped, entities decoded, at most `length` characters."""
    text = " ".join(html.unescape(strip_tags(str(value))).split())
    return Truncator(text).chars(int(length))


def news_article_json_ld(context, story):
    """The story's schema.org NewsArticle in a <script type="application/ld+json"> data block.

    Browsers never run a data block, so the CSP's script-src does not apply to it and it
    needs no nonce.
    """
    article = structured_data.news_article(story, absolute_url=lambda path: _absolute(context, path))
    data = json.dumps(article, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


def share_links(context, story):
    """Plain links to each network's own share page: nothing of theirs loads on ours."""
    url = _absolute(context, story.get_absolute_url())
    mail = urlencode({"subject": story.headline, "body": f"{story.summary}\n\n{url}"}, quote_via=quote)
    return [
        {"network": "email", "label": "Email", "href": f"mailto:?{mail}"},
        {
            "network": "x",
            "label": "X",
            "href": "https://x.com/intent/tweet?" + urlencode({"text": story.headline, "url": url}, quote_via=quote),
        },
        {
            "network": "facebook",
            "label": "Facebook",
            "href": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote),
        },
        {
            "network": "linkedin",
            "label": "LinkedIn",
            "href": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}, quote_via=quote),
        },
    ]
