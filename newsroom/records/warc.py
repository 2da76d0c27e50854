"""Writing WARC 1.0 records of the site's own pages, as a reader's browser gets them.

Used by the bag of web records (export.py) and by the snapshots kept before a public story's page
changes (snapshots.py). Each address is a `request` record and the `response` record a reader got
(status line, headers and body), gzipped record by record so any record can be read alone. Pages are
rendered in this process through Django's test client, over HTTPS on the site's own host
(website/audit.py's Site): the page cache may answer, and that is what readers get. Public photo
copies are read from storage, with the headers the web server sends for them.

Digests are SHA-256, as the bag's manifests are (warcio's default is SHA-1).
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from newsroom.website.audit import Site

SOFTWARE = "Newsroom"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/"
# What the web server sends with a public copy (config/urls.py serves them the same way): names carry a
# hash of their content, so they are kept for good.
COPY_CACHE_CONTROL = "public, max-age=31536000, immutable"


class _Writer(WARCWriter):
    @staticmethod
    def _create_digester():
        return Digester("sha256")


@dataclass
class Fetched:
    status: int
    body: bytes


@dataclass
class Capture:
    """Writes WARC records to `stream`: each address fetched as a reader would, as a request/response pair."""

    stream: object
    site: Site
    records: int = 0
    not_ok: list[tuple[str, int]] = field(default_factory=list)  # addresses that did not answer 200
    missing_copies: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.writer = _Writer(self.stream, gzip=True, warc_version="WARC/1.0")

    def absolute(self, path: str) -> str:
        return path if urlsplit(path).scheme else f"https://{self.site.host}{path}"

    def info(self, filename: str, fields: dict) -> None:
        fields = {"format": "WARC File Format 1.0", "conformsTo": CONFORMS_TO, "hostname": self.site.host, **fields}
        self.writer.write_record(self.writer.create_warcinfo_record(filename, fields))
        self.records += 1

    def page(self, path: str) -> Fetched:
        """Fetch one of the site's addresses and record it, with the status and body readers got."""
        response = self.site.get(path)
        # The client closes the response itself, keeping the database connection (and the server-side
        # cursor the stories are read through) open: response.close() here would end it.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        headers.append(("Content-Length", str(len(body))))
        if response.status_code != 200:
            self.not_ok.append((self.absolute(path), response.status_code))
        self._pair(path, f"{response.status_code} {response.reason_phrase}", headers, body)
        return Fetched(response.status_code, body)

    def copy(self, url: str, name: str) -> bool:
        """Record a public photo copy as the web server sends it, read from public storage."""
        try:
            with default_storage.open(name) as file:
                body = file.read()
        except FileNotFoundError:
            self.missing_copies.append(self.absolute(url))
            return False
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers = [
            ("Content-Type", content_type),
            ("Cache-Control", COPY_CACHE_CONTROL),
            ("Content-Length", str(len(body))),
        ]
        self._pair(url, "200 OK", headers, body)
        return True

    def _pair(self, path: str, status: str, headers: list, body: bytes) -> None:
        uri = self.absolute(path)
        parts = urlsplit(uri)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        request = self.writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1",
                [("Host", parts.netloc), ("User-Agent", SOFTWARE)],
                is_http_request=True,
            ),
        )
        response = self.writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        )
        self.writer.write_request_response_pair(request, response)
        self.records += 2
