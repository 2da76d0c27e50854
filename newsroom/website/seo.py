"""What a page says about itself: canonical address, share image, JSON-LD, share links.

Readers' templates call these (newsroom/website/jinja.py passes them the template's context).
Addresses are absolute, built from the request (whose host ALLOWED_HOSTS has vetted). A
page rendered without a request, like the 500 page, gets empty strings and the templates
leave those parts out.
"""

import html
import json
import re
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from newsroom.stories import structured_data

# What django.utils.html.json_script escapes, so the JSON cannot close the <script> element.
# json_script itself always writes type="application/json", which search engines do not read.
# Replaced one by one: str.translate takes a millisecond over a story with one curly quote in it
# (it walks a non-ASCII string character by character), each replace a few microseconds.
_JSON_SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


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


# What a search result shows of a page's title and description; longer ones are cut off there.
TITLE_MAX = 70
DESCRIPTION_MAX = 160
# The ends of blocks, which stripping the tags would otherwise run together ("here.The next").
_BLOCK_ENDS = re.compile(r"(</(?:p|h[1-6]|li|dd|dt|td|th|blockquote|figcaption|div)>|<br\s*/?>)", re.I)


def fit_title(title):
    """A page's title, without its " | site name" when with it the whole would run past TITLE_MAX:
    the page's own words are what a search result must show."""
    suffix = f" | {settings.SITE_NAME}"
    if len(title) > TITLE_MAX and title.endswith(suffix):
        return title[: -len(suffix)]
    return title


def fit_description(description):
    """A meta description cut, at a word, to what a search result shows."""
    if len(description) <= DESCRIPTION_MAX:
        return description
    return description[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def plain_text(value, length=200):
    """Markup to a one-line description: tags stripped, entities decoded, at most `length` characters."""
    text = " ".join(html.unescape(strip_tags(_BLOCK_ENDS.sub(r" \1", str(value)))).split())
    return Truncator(text).chars(int(length))


def news_article_json_ld(context, story):
    """The story's schema.org NewsArticle in a <script type="application/ld+json"> data block.

    Browsers never run a data block, so the CSP's script-src does not apply to it and it
    needs no nonce.
    """
    article = structured_data.news_article(story, absolute_url=lambda path: _absolute(context, path))
    data = json.dumps(article, ensure_ascii=False)
    for character, escaped in _JSON_SCRIPT_ESCAPES:
        data = data.replace(character, escaped)
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
