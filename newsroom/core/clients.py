"""Who is asking: the client's address, as the site's own proxies reported it.

With PROXY_COUNT proxies in front (a load balancer, a CDN), the address is the one the outermost
of ours saw: that many entries from the right of X-Forwarded-For. Entries further left were
written by the client and prove nothing.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
