"""Clean, shareable links for the public pages.

A form submitted with empty fields (`?q=&framework=&sdg=`) gives long links that say nothing;
`clean_redirect` answers such a request with a redirect to the same page without them. The list
page's chips ("Region: Skåne ×") link to the same selection without one value (`without`).
`reverse` remembers the addresses every page links to.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from urllib.parse import urlencode

from django.http import HttpResponseRedirect, QueryDict
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


def reverse(name: str, *args) -> str:
    """django.urls.reverse(name, args=args), remembered: every page links to the same few
    addresses (the header's, the footer's, the list's rows), each some 40 µs to reverse."""
    return _reversed(name, args, get_script_prefix(), get_resolver(get_urlconf()))


@functools.lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, prefix: str, resolver) -> str:
    """Keyed by what reverse() reads besides its arguments: the script prefix and the URL
    resolver (a new one when the URLs change, e.g. in a test)."""
    return django_reverse(name, args=args, urlconf=resolver.urlconf_name)


def _query_string(params: QueryDict) -> str:
    return f"?{params.urlencode()}" if params else ""


def clean_redirect(request) -> HttpResponseRedirect | None:
    """A 302 to the same path without empty parameters, or None when there are none."""
    if request.method not in ("GET", "HEAD") or not request.GET:
        return None
    if all(value.strip() for _, values in request.GET.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        kept.setlist(name, [value for value in values if value.strip()])
        if not kept.getlist(name):
            del kept[name]
    return HttpResponseRedirect(request.path + _query_string(kept))


def without(params: QueryDict, name: str, value: str | None = None) -> str:
    """The query string with one value of `name` removed (all of them if `value` is None), and
    without `page`: a narrower or wider selection starts on its first page."""
    remaining = [v for v in params.getlist(name) if v != value] if value is not None else []
    lists = _changed(params, {"page": None, name: remaining or None})
    return f"?{_encoded(lists, params.encoding)}" if lists else ""


def with_page(params: QueryDict, number: int) -> str:
    """The query string showing page `number` (page 1 is the page without the parameter)."""
    lists = _changed(params, {"page": None})
    if number > 1:
        lists["page"] = [str(number)]  # last, as before
    return f"?{_encoded(lists, params.encoding)}" if lists else ""


def query_with(params: QueryDict, **changes) -> str:
    """The query string `{% querystring %}` gives (Django's tag): `params` with each of
    `changes` set, or removed where None; for the links a page makes by the dozen (the table's
    header, the pagination). Without the tag's copy of the QueryDict (a deep copy), which was
    most of its cost; QueryDict.urlencode's encoding, pair by pair."""
    lists = _changed(params, changes)
    if not lists and not params:
        return ""
    return f"?{_encoded(lists, params.encoding)}"


def _changed(params: QueryDict, changes: dict) -> dict[str, list]:
    """The parameters' lists with each of `changes` set (a value or several; in its place if the
    query has it, else last, as QueryDict's setlist()), or removed where None. No copy of the
    QueryDict: what query_with, without and with_page share."""
    lists = dict(params.lists())
    for name, value in changes.items():
        if value is None:
            lists.pop(name, None)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            lists[name] = list(value)
        else:
            lists[name] = [value]
    return lists


def _encoded(lists: dict[str, list], encoding: str) -> str:
    """The parameters as QueryDict.urlencode() writes them, pair by pair."""
    pairs = [(name, str(value)) for name, values in lists.items() for value in values]
    return urlencode(pairs, encoding=encoding)
