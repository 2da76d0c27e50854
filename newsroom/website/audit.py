"""The site's own scan of what GSA's Site Scanning reads on every .gov, run in-process.

Read-only. `audit_site` renders one page of each kind readers meet (the home page, a current and
an archived story, the news, tag, label and byline listings, a photo page, the archive, a
collection, search results, the corrections page, the accessibility statement and its feedback
form, and every information page) through Django's
test client, as a reader's browser would get it over HTTPS on the site's own host, and checks:

    title           a <title>, at most TITLE_MAX characters
    description     a meta description of DESCRIPTION_MIN to DESCRIPTION_MAX characters
    canonical       a canonical link to an absolute address (not on pages marked noindex)
    article-times   og:type "article" pages give article:published_time and article:modified_time
    main            exactly one <main>
    lang            <html lang="…">
    viewport        a meta viewport that lets the page fit the screen
    required-links  the footer's required links (docs/DOMAIN.md section 6); the site's own answer 200
    search          the search box (a role="search" form)
    dap             the Digital Analytics Program's tag with the agency, when DAP_AGENCY is set

A page that does not answer 200 is reported under `status`, and its other checks are not run.
And, once for the site:

    robots          /robots.txt answers with at least one absolute `Sitemap:` line
    sitemap         every sitemap robots.txt names, and every sitemap an index names, parses, and
                    the first address of each answers 200
    not-found       an address nothing answers is a real 404, not a page saying so with 200
    security-txt    /.well-known/security.txt names a Contact and an Expires still ahead, at most
                    a year ahead (RFC 9116)
"""

from __future__ import annotations

import datetime
import re
import secrets
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.stories.models import Label, Story, Tag
from newsroom.stories.selectors import lead_photo

# Code -> the heading its findings are listed under, in the order they are reported.
CHECKS = {
    "status": "Pages that do not open",
    "title": "Page titles",
    "description": "Meta descriptions",
    "canonical": "Canonical links",
    "article-times": "Article times for link previews (og:)",
    "main": "The <main> landmark",
    "lang": "The page's language",
    "viewport": "The mobile viewport",
    "required-links": "Required links",
    "search": "The search box",
    "dap": "Digital Analytics Program tag",
    "robots": "robots.txt",
    "sitemap": "Sitemaps",
    "not-found": "Missing pages",
    "security-txt": "security.txt",
}
SITE_CHECKS = ("robots", "sitemap", "not-found", "security-txt")
# What search results show in full: a longer title or description is cut off there.
TITLE_MAX = 70
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
# The footer's links every federal site carries (docs/DOMAIN.md section 6), by the words they say.
REQUIRED_LINKS = (
    "About",
    "Accessibility",
    "FOIA",
    "No FEAR Act",
    "Inspector General",
    "Privacy Policy",
    "Vulnerability Disclosure Policy",
    "USA.gov",
)
DAP_SCRIPT = "https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True)
class Finding:
    check: str
    page: str  # the kind of page, or "site"
    path: str
    message: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class PageFacts:
    """What the checks read of a page's HTML."""

    lang: str | None = None
    titles: list[str] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)  # name or property -> contents
    canonical: list[str] = field(default_factory=list)
    mains: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, words)
    scripts: list[str] = field(default_factory=list)
    search_forms: int = 0

    def first(self, name: str) -> str | None:
        values = self.meta.get(name)
        return values[0] if values else None


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._title: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.facts.lang = values.get("lang")
        elif tag == "title":
            self._title = []
        elif tag == "meta":
            name = values.get("name") or values.get("property")
            if name:
                self.facts.meta.setdefault(name.lower(), []).append(values.get("content", ""))
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            self.facts.canonical.append(values.get("href", ""))
        elif tag == "main":
            self.facts.mains += 1
        elif tag == "a" and "href" in values:
            self._link = (values["href"], [])
        elif tag == "script" and values.get("src"):
            self.facts.scripts.append(values["src"])
        elif tag == "form" and values.get("role") == "search":
            self.facts.search_forms += 1

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.facts.titles.append(" ".join("".join(self._title).split()))
            self._title = None
        elif tag == "a" and self._link is not None:
            href, words = self._link
            self.facts.links.append((href, " ".join("".join(words).split())))
            self._link = None

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._link is not None:
            self._link[1].append(data)


def read_page(html: str) -> PageFacts:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.facts


# --- Each page --------------------------------------------------------------------------------


def check_title(facts: PageFacts) -> str | None:
    if len(facts.titles) != 1 or not facts.titles[0]:
        return f"has {len(facts.titles)} <title> elements with words; a page needs exactly one."
    if len(facts.titles[0]) > TITLE_MAX:
        return f"title is {len(facts.titles[0])} characters (at most {TITLE_MAX}): “{facts.titles[0]}”."
    return None


def check_description(facts: PageFacts) -> str | None:
    found = facts.meta.get("description", [])
    if len(found) != 1 or not found[0].strip():
        return "has no meta description; say in a sentence or two what the page holds."
    length = len(found[0])
    if not DESCRIPTION_MIN <= length <= DESCRIPTION_MAX:
        return f"meta description is {length} characters (from {DESCRIPTION_MIN} to {DESCRIPTION_MAX}): “{found[0]}”."
    return None


def check_canonical(facts: PageFacts) -> str | None:
    if "noindex" in (facts.first("robots") or ""):
        return None  # a page kept out of search claims no address of its own
    if len(facts.canonical) != 1:
        return f"has {len(facts.canonical)} canonical links; a page open to search engines needs exactly one."
    if urlsplit(facts.canonical[0]).scheme not in ("http", "https"):
        return f"canonical link “{facts.canonical[0]}” is not an absolute address."
    return None


def check_article_times(facts: PageFacts) -> str | None:
    if facts.first("og:type") != "article":
        return None
    missing = [name for name in ("article:published_time", "article:modified_time") if not facts.first(name)]
    for name in ("article:published_time", "article:modified_time"):
        value = facts.first(name)
        if value:
            try:
                datetime.datetime.fromisoformat(value)
            except ValueError:
                return f"{name} “{value}” is not an ISO 8601 time."
    return f"is an article without {' and '.join(missing)}." if missing else None


def check_main(facts: PageFacts) -> str | None:
    return None if facts.mains == 1 else f"has {facts.mains} <main> elements; a page needs exactly one."


def check_lang(facts: PageFacts) -> str | None:
    return None if (facts.lang or "").strip() else 'has no lang on <html>; screen readers need it (lang="en").'


def check_viewport(facts: PageFacts) -> str | None:
    viewport = facts.first("viewport") or ""
    if "width=device-width" not in viewport.replace(" ", ""):
        return "has no meta viewport with width=device-width; phones show it zoomed out."
    return None


def check_required_links(facts: PageFacts) -> str | None:
    missing = [
        words
        for words in REQUIRED_LINKS
        if not any(words.lower() in text.lower() and href for href, text in facts.links)
    ]
    return f"lacks the required links: {', '.join(missing)}." if missing else None


def check_search(facts: PageFacts) -> str | None:
    return None if facts.search_forms else 'has no search box (a form with role="search").'


def check_dap(facts: PageFacts) -> str | None:
    if not settings.DAP_AGENCY:
        return None
    tags = [src for src in facts.scripts if src.startswith(DAP_SCRIPT)]
    if len(tags) != 1:
        return f"carries {len(tags)} Digital Analytics Program tags; every public page needs exactly one."
    if f"agency={settings.DAP_AGENCY}" not in tags[0]:
        return f"DAP tag “{tags[0]}” does not name the agency {settings.DAP_AGENCY}."
    return None


PAGE_CHECKS = {
    "title": check_title,
    "description": check_description,
    "canonical": check_canonical,
    "article-times": check_article_times,
    "main": check_main,
    "lang": check_lang,
    "viewport": check_viewport,
    "required-links": check_required_links,
    "search": check_search,
    "dap": check_dap,
}


# --- The site -----------------------------------------------------------------------------------


class Site:
    """The site as a reader's browser reaches it: HTTPS on its own host, in this process."""

    def __init__(self):
        self.host = _host()
        self.client = Client(HTTP_HOST=self.host)

    def get(self, path: str):
        return self.client.get(path, secure=True)

    def local_path(self, address: str) -> str | None:
        """The path of an address on this site, or None for another site's."""
        parts = urlsplit(address)
        if parts.netloc and parts.netloc != self.host:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")


def _host() -> str:
    if settings.SITE_URL:
        return urlsplit(settings.SITE_URL).netloc
    named = [host for host in settings.ALLOWED_HOSTS if host not in ("*",) and not host.startswith(".")]
    return named[0] if named else "localhost"


def check_robots(site: Site) -> list[tuple[str, str]]:
    response = site.get("/robots.txt")
    if response.status_code != 200:
        return [("/robots.txt", f"answers {response.status_code}, not 200.")]
    lines = [
        line.split(":", 1)[1].strip()
        for line in response.content.decode().splitlines()
        if line.lower().startswith("sitemap:")
    ]
    if not lines:
        return [("/robots.txt", "names no sitemap (a `Sitemap:` line).")]
    return [
        ("/robots.txt", f"Sitemap “{line}” is not an absolute address.") for line in lines if not urlsplit(line).scheme
    ]


def sitemaps_named(site: Site) -> list[str]:
    response = site.get("/robots.txt")
    text = response.content.decode() if response.status_code == 200 else ""
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")] or [
        reverse("sitemap")
    ]


def check_sitemap(site: Site) -> list[tuple[str, str]]:
    problems, waiting, seen = [], list(sitemaps_named(site)), set()
    while waiting:
        address = waiting.pop(0)
        path = site.local_path(address)
        if path is None or path in seen:
            if path is None:
                problems.append((address, "is on another host than the site's."))
            continue
        seen.add(path)
        response = site.get(path)
        if response.status_code != 200:
            problems.append((path, f"answers {response.status_code}, not 200."))
            continue
        try:
            root = ElementTree.fromstring(response.content)
        except ElementTree.ParseError as error:
            problems.append((path, f"is not well-formed XML ({error})."))
            continue
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            waiting.extend(loc.text.strip() for loc in root.iter(f"{SITEMAP_NS}loc") if loc.text)
        elif root.tag == f"{SITEMAP_NS}urlset":
            first = next((loc.text.strip() for loc in root.iter(f"{SITEMAP_NS}loc") if loc.text), None)
            first_path = site.local_path(first) if first else None
            if first_path is not None and (answer := site.get(first_path)).status_code != 200:
                problems.append((path, f"lists {first}, which answers {answer.status_code}."))
        else:
            problems.append((path, f"is neither a sitemap nor a sitemap index (its root is <{root.tag}>)."))
    return problems


def check_not_found(site: Site) -> list[tuple[str, str]]:
    problems = []
    for path in (f"/no-such-page-{secrets.token_hex(4)}/", f"/news/no-such-story-{secrets.token_hex(4)}/"):
        status = site.get(path).status_code
        if status != 404:
            problems.append((path, f"answers {status} where nothing is: a missing page must answer 404."))
    return problems


def check_security_txt(site: Site, *, now=None) -> list[tuple[str, str]]:
    path = reverse("security-txt")
    response = site.get(path)
    if response.status_code != 200:
        return [(path, f"answers {response.status_code}, not 200.")]
    return [(path, problem) for problem in security_txt_problems(response.content.decode(), now=now or timezone.now())]


def security_txt_problems(text: str, *, now) -> list[str]:
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and not line.startswith("#"):
            fields.setdefault(name.strip().lower(), []).append(value.strip())
    problems = []
    if not fields.get("contact"):
        problems.append("names no Contact.")
    expires = fields.get("expires", [])
    if len(expires) != 1:
        return [*problems, "needs exactly one Expires."]
    try:
        moment = datetime.datetime.fromisoformat(expires[0].replace("Z", "+00:00"))
    except ValueError:
        return [*problems, f"Expires “{expires[0]}” is not an RFC 3339 time."]
    if moment <= now:
        problems.append(f"expired on {expires[0]}.")
    elif moment > now + datetime.timedelta(days=366):
        problems.append(f"Expires {expires[0]} is more than a year ahead (RFC 9116 asks for less).")
    return problems


SITE_CHECK_FUNCTIONS = {
    "robots": check_robots,
    "sitemap": check_sitemap,
    "not-found": check_not_found,
    "security-txt": check_security_txt,
}


# --- What to audit ------------------------------------------------------------------------------


def page_kinds() -> list[tuple[str, str]]:
    """(kind, path) of one page of each kind, from what is published; a kind the site has nothing
    of yet (no archived story, say) is left out."""
    pages = [("home", "/"), ("news listing", reverse("stories:list")), ("archive", reverse("archive:index"))]
    published = Story.objects.published().order_by("-published_at", "-id")
    current = published.current().first()
    if current is not None:
        pages.append(("story", current.get_absolute_url()))
        label = Label(current.label)
        pages.append(("label listing", reverse("stories:label", args=[label.value])))
        if current.byline_url:
            pages.append(("byline listing", current.byline_url))
        photo = lead_photo(current)
        if photo is not None:
            pages.append(("photo", photo.get_absolute_url()))
        words = re.findall(r"[A-Za-z]{4,}", current.headline)
        if words:
            pages.append(("search results", f"{reverse('search:results')}?q={words[0].lower()}"))
    archived = published.archived().select_related("collection").first()
    if archived is not None:
        pages.append(("archived story", archived.get_absolute_url()))
        if archived.collection_id:
            pages.append(("collection", archived.collection.get_absolute_url()))
    tag = Tag.objects.filter(stories__in=published.current()).order_by("name").first()
    if tag is not None:
        pages.append(("tag listing", tag.get_absolute_url()))
    pages.append(("corrections", reverse("stories:corrections")))
    pages.append(("accessibility statement", reverse("feedback:statement")))
    pages.append(("feedback form", reverse("feedback:feedback")))
    for page in FlatPage.objects.filter(sites__id=settings.SITE_ID, registration_required=False).order_by("url"):
        pages.append((f"information page {page.url}", page.url))
    return pages


def audit_site(*, checks=tuple(CHECKS), site: Site | None = None, pages=None) -> tuple[list[Finding], list]:
    """Every finding of `checks`, and the pages audited as (kind, path, status)."""
    site = site or Site()
    findings, audited = [], []
    page_checks = [code for code in checks if code in PAGE_CHECKS]
    internal_required: set[str] = set()
    for kind, path in pages if pages is not None else page_kinds():
        response = site.get(path)
        audited.append((kind, path, response.status_code))
        if response.status_code != 200:
            findings.append(Finding("status", kind, path, f"answers {response.status_code}, not 200."))
            continue
        facts = read_page(response.content.decode())
        for code in page_checks:
            problem = PAGE_CHECKS[code](facts)
            if problem:
                findings.append(Finding(code, kind, path, problem))
        internal_required.update(
            href
            for href, text in facts.links
            if href.startswith("/") and any(w.lower() in text.lower() for w in REQUIRED_LINKS)
        )
    if "required-links" in checks:
        for href in sorted(internal_required):
            status = site.get(href).status_code
            if status != 200:
                findings.append(Finding("required-links", "site", href, f"a required link answers {status}, not 200."))
    for code in SITE_CHECKS:
        if code in checks:
            findings.extend(Finding(code, "site", path, message) for path, message in SITE_CHECK_FUNCTIONS[code](site))
    return findings, audited
