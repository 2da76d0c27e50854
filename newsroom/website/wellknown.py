"""Files crawlers and security researchers look for at fixed addresses (docs/DOMAIN.md section 6).

`/robots.txt` lets crawlers in everywhere readers go and names the sitemaps; and
`/.well-known/security.txt` (RFC 9116) says where to report a vulnerability. Both are built
from the request, so they name the host that was asked.
"""

import datetime

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

# RFC 9116 section 2.5.5 recommends an Expires less than a year ahead; computed per request,
# the file never goes stale.
SECURITY_TXT_LIFETIME = datetime.timedelta(days=364)
PLAIN_TEXT = "text/plain; charset=utf-8"


def robots_txt(request):
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap-news")]
    return render(request, "website/robots.txt", {"sitemaps": sitemaps}, content_type=PLAIN_TEXT)


def security_txt(request):
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).astimezone(datetime.UTC).replace(microsecond=0)
    context = {
        "contact": settings.SECURITY_CONTACT,
        "expires": expires.isoformat().replace("+00:00", "Z"),  # RFC 3339, as the RFC's examples
        "canonical": request.build_absolute_uri(reverse("security-txt")),
        "policy": request.build_absolute_uri(reverse("vulnerability-disclosure-policy")),
    }
    return render(request, "website/security.txt", context, content_type=PLAIN_TEXT)
