"""Rate limits that hold under parallel requests, on every worker and every node.

The error form once counted in the file cache: `incr` there is read-then-write, so 20 parallel
posts from one address got 11–12 accepted with a limit of 10. Here the count is a database row
(RateCounter) and one UPDATE both checks and counts: `count < limit` is in its WHERE clause, so
PostgreSQL re-checks it on the row each waiting request finds once the one before has committed,
and SQLite runs writes one at a time anyway. A request the UPDATE did not count is refused.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter

ATTEMPTS = 3  # rounds of "count, renew, create" before a request gives up (and is refused)


def hit(key: str, *, limit: int, window: timedelta) -> bool:
    """Count one attempt for `key`; True if it is within `limit` attempts per `window`.

    Attempts over the limit are not counted, so the window ends `window` after its first attempt.
    """
    counters = RateCounter.objects
    for _ in range(ATTEMPTS):
        now = timezone.now()
        # Within the window and under the limit: one statement checks and counts.
        counted = counters.filter(key=key, expires__gt=now, count__lt=limit).update(
            count=F("count") + 1
        )
        if counted:
            return True
        # The window has ended: the first request to see it starts the next one.
        renewed = counters.filter(key=key, expires__lte=now).update(count=1, expires=now + window)
        if renewed:
            return limit >= 1
        if counters.filter(key=key, expires__gt=now, count__gte=limit).exists():
            return False  # within the window and at the limit
        if counters.filter(key=key).exists():
            continue  # a parallel request renewed the window first: count again
        try:
            with transaction.atomic():
                counters.create(key=key, count=1, expires=now + window)
        except IntegrityError:
            continue  # a parallel request created the row first: count on it
        counters.filter(expires__lte=now).delete()  # ended windows of other clients
        return limit >= 1
    return False


def reset(key: str) -> None:
    """Forget the count for `key` (for tests and for an operator lifting a limit)."""
    RateCounter.objects.filter(key=key).delete()
