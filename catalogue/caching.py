"""The page cache and the pages' ETags, keyed by the data's version and the code's.

Every public page and export goes through `cached_page`; `snapshot_of` hands the pages the
in-memory snapshot of the version it has read."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

from . import links
from . import snapshot as snapshots
from .snapshot import data_version


def _code_version() -> str:
    """Changes when a deploy changes the templates, the code or the translations: part of every
    ETag, so that a browser does not keep a page that the new code renders differently."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    for pattern in ("templates/**/*.html", "catalogue/**/*.py", "locale/**/*.mo"):
        for path in sorted(base.glob(pattern)):
            stat = path.stat()
            digest.update(f"{path.relative_to(base)}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def cached_page(view):
    """Answer public pages and exports from what is known before any rendering: the data's
    version (catalogue.snapshot.data_version(), one query).

    - ETag: a hash of the active language (LocaleMiddleware chose it from the cookie or
      Accept-Language), the absolute URL (the measure page's citation names the host it was
      asked for), the data's version and the code's. A browser that sends it back in
      If-None-Match gets a 304 without the page or export being made again.
    - With settings.PAGE_CACHE_SECONDS > 0, whole 200 responses (not streamed exports) are kept
      under the same key. An import or any admin save changes the version, so both show at once.
    The pages carry nothing per visitor: the language switch needs no CSRF token.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        redirect = links.clean_redirect(request)  # ?framework=&sdg= → the same page without
        if redirect is not None:
            return redirect
        request.data_version = data_version()  # the list pages' snapshot uses it too
        raw = "\n".join(
            (
                get_language() or "",
                request.build_absolute_uri(),
                request.data_version,
                CODE_VERSION,
                timezone.localdate().isoformat(),  # printed pages carry the date
            )
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()
        etag = f'"{digest[:32]}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        key = f"page:{digest}"
        if seconds > 0:
            response = cache.get(key)
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response["ETag"] = etag
        if seconds > 0 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(key, r, seconds))
            else:
                cache.set(key, response, seconds)
        return response

    return wrapper


def snapshot_of(request) -> snapshots.Snapshot:
    """The data's in-memory snapshot (cached_page has already read the version)."""
    return snapshots.current(getattr(request, "data_version", None))
