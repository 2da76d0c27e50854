"""Videos in a body: the addresses allowed (YouTube, DVIDS), their canonical page and their embed."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = r"([A-Za-z0-9_-]{11})"
_YOUTUBE_HOSTS = {"www.youtube.com", "youtube.com", "m.youtube.com"}
_NO_COOKIE_HOSTS = {"www.youtube-nocookie.com", "youtube-nocookie.com"}
_DVIDS_HOSTS = {"www.dvidshub.net", "dvidshub.net"}
# Where readers' pages embed videos from: config/settings.py's frame-src names exactly these.
EMBED_ORIGINS = ("https://www.youtube-nocookie.com", "https://www.dvidshub.net")


@dataclass(frozen=True)
class Video:
    host: str  # "YouTube" or "DVIDS"
    id: str

    @property
    def page_url(self) -> str:
        if self.host == "YouTube":
            return f"https://www.youtube.com/watch?v={self.id}"
        return f"https://www.dvidshub.net/video/{self.id}"

    @property
    def embed_url(self) -> str:
        """The privacy-enhanced player: YouTube's sets no cookie until the reader presses play."""
        if self.host == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.id}"
        return f"https://www.dvidshub.net/video/embed/{self.id}"


def parse_video(address: str) -> Video | None:
    """A YouTube or DVIDS video's address, in any of the forms docs/STORY_BODY.md lists; None for any other."""
    try:
        parts = urlsplit(address.strip())
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or parts.port or parts.username:
            return None
    except ValueError:  # a port that is not a number, a bracket out of place
        return None
    path = parts.path
    if host in _YOUTUBE_HOSTS and path.rstrip("/") == "/watch":
        found = re.fullmatch(_YOUTUBE_ID, parse_qs(parts.query).get("v", [""])[0])
    elif host in _YOUTUBE_HOSTS | _NO_COOKIE_HOSTS:
        found = re.fullmatch(rf"/embed/{_YOUTUBE_ID}/?", path)
    elif host == "youtu.be":
        found = re.fullmatch(rf"/{_YOUTUBE_ID}/?", path)
    elif host in _DVIDS_HOSTS:
        dvids = re.fullmatch(r"/video/(?:embed/)?([0-9]{1,12})(?:/[^/]*)?/?", path)
        return Video("DVIDS", dvids.group(1)) if dvids else None
    else:
        return None
    return Video("YouTube", found.group(1)) if found else None
