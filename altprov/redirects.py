"""Where a view goes back to after a POST: the `next` parameter, checked."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted (or queried) `next` if it is a path on this site, else `fallback`.

    Only a path starting with "/" is taken: a bare word such as "foo" would be
    read by `redirect()` as a URL name and fail, and anything with a scheme or
    another host is an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
