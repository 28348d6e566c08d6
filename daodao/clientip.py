"""The client's IP address, the one answer every limit and audit line uses.

``settings.DAODAO_TRUSTED_PROXIES`` (environment ``DAODAO_TRUSTED_PROXIES``, default 0) is
the number of reverse proxies in front of the app that each append the address they saw to
``X-Forwarded-For``. With N trusted proxies the client is the N-th address from the right:
the entries to its left were written by the client and can say anything. With 0 the socket
address (``REMOTE_ADDR``) is the client and headers are ignored, so nobody can forge an
address past the login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) or a rate limit.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "DAODAO_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxies:
        # The request did not pass through every trusted proxy (a direct hit on an
        # internal port): the socket is all we can trust.
        return remote
    return _valid(hops[-proxies]) or remote
