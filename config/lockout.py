"""Login lockout with two limits: one username from one address, and one address for any username.

django-axes compares every lockout parameter (here the pair username + address, and the address
alone) with one failure limit. Guessing passwords for many usernames from one address needs a
higher limit than guessing one username's, or a shared office address would lock every editor out
after a handful of typos. This handler scales the address's count so that axes' single limit
(AXES_FAILURE_LIMIT, for the pair) is reached after AXES_ADDRESS_FAILURE_LIMIT failures from the
address; and a success resets only the pair's failures, so that logging in with one's own account
does not wipe what an address did to other accounts.
"""

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.db.models import Sum

ADDRESS_ONLY = ("ip_address", ["ip_address"])


class AddressAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        pair_limit = get_failure_limit(request, credentials)
        address_limit = max(settings.AXES_ADDRESS_FAILURE_LIMIT, 1)
        counts = [0]
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter in ADDRESS_ONLY:
                # floor(failures * pair / address) >= pair exactly when failures >= address.
                failures = failures * pair_limit // address_limit
            counts.append(failures)
        return max(counts)

    def reset_user_attempts(self, request, credentials=None) -> int:
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            if parameter not in ADDRESS_ONLY:
                count += attempts.delete()[0]
        return count
