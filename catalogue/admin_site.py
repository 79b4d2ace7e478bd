"""The project's admin site: Django's own, with one rule every ModelAdmin follows.

Django's `ModelAdmin.lookup_allowed` accepts any lookup on a model's own fields from the query
string, so an editor's hand-written `?name__regex=(.*){3}QZ` ran until the worker was killed and
`?imported__contains=x` (a JSON lookup SQLite lacks) answered 500. Here only the parameters the
changelist itself writes are allowed: those of its list filters and its date hierarchy, plus the
few each admin names in `extra_lookups` (links from other pages). Anything else raises
`DisallowedModelAdminLookup`, which Django answers with 400.

The site wraps every ModelAdmin registered on it, Django's own (users, groups) and those of
other apps (django-axes) included, so a new ModelAdmin cannot forget the rule.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# The suffixes Django's list filters add to a field path: exact and isnull (choices, booleans,
# relations), gte and lt (date ranges), isempty (EmptyFieldListFilter). AllValuesFieldListFilter
# uses the bare path.
FILTER_SUFFIXES = ("exact", "isnull", "gte", "lt", "isempty")

# The date hierarchy's parts and their ranges: datetime() takes years 1–9999 and Django computes
# the end of the year, month or day, so a year of 9999 would overflow.
DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


def date_in_range(model, lookup: str, value) -> bool:
    """False for a date far enough out that converting it between time zones overflows (the
    date list filter's `?created__gte=0001-01-01` was a 500); True for anything else."""
    path, _, suffix = lookup.rpartition("__")
    if suffix not in ("gte", "lt"):
        return True
    try:
        field = get_fields_from_path(model, path)[-1]
        parsed = field.to_python(value) if isinstance(field, models.DateField) else None
    except (FieldDoesNotExist, ValidationError):
        return True  # Django's own handling: the list with "?e=1"
    return parsed is None or DATE_PARTS["year"][0] < parsed.year < DATE_PARTS["year"][1]


class SafeLookupsMixin:
    """Allow only the query-string lookups the admin's own filters and date hierarchy use.

    A ModelAdmin may name more in `extra_lookups` (read with getattr: the mixin comes first in
    the wrapped class's MRO, so a class attribute here would hide the admin's own).
    """

    def lookup_allowed(self, lookup, value, request=None):
        if self.date_hierarchy and lookup.startswith(f"{self.date_hierarchy}__"):
            part = lookup.removeprefix(f"{self.date_hierarchy}__")
            if part in DATE_PARTS:
                low, high = DATE_PARTS[part]
                return str(value).isdigit() and low <= int(value) <= high
        if lookup not in self.allowed_lookups(request):
            return False
        return date_in_range(self.model, lookup, value)

    def allowed_lookups(self, request) -> set[str]:
        allowed = set(getattr(self, "extra_lookups", ()))
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, list | tuple) else item
            if not isinstance(path, str):
                continue  # a Field object: its filter's parameters are not known here
            allowed.add(path)
            allowed.update(f"{path}__{suffix}" for suffix in FILTER_SUFFIXES)
            try:
                field = get_fields_from_path(self.model, path)[-1]
            except FieldDoesNotExist:
                continue
            target = getattr(field, "target_field", None)
            if field.is_relation and target is not None:
                allowed.add(f"{path}__{target.name}__exact")  # RelatedFieldListFilter
        return allowed


class CatalogueAdminSite(admin.AdminSite):
    """Registers every ModelAdmin with `SafeLookupsMixin` mixed in."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeLookupsMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeLookupsMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class CatalogueAdminConfig(AdminConfig):
    """Django's admin app with the site above (named in INSTALLED_APPS instead of
    "django.contrib.admin")."""

    default_site = "catalogue.admin_site.CatalogueAdminSite"
