"""The address a request comes from, as login throttling needs it behind a reverse proxy.

Behind nginx every request arrives from the proxy's address, so five failed logins from
anyone would lock a username for everyone. Each trusted proxy appends the address it was
reached from to X-Forwarded-For, so with N trusted proxies the client is the N-th entry
from the right; anything further left was written by the client and is not believed.
Without trusted proxies (DJANGO_TRUSTED_PROXIES=0, the default) the header is ignored.
"""

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    # Fewer entries than proxies: the request did not come through them all.
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
