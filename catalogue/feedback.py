"""The public "report an error" form: no account and no JavaScript needed, four spam checks.

Spam protection, all server-side:
- a honeypot field that people never see (a hidden block) and form-filling robots do fill;
- a signed token issued with the form (measure, time, a random nonce): a submission sooner
  than MIN_SECONDS after it, or later than MAX_AGE_SECONDS, or with a forged or foreign token,
  is refused;
- each token is let in once (SpentToken), so a robot cannot replay one good post;
- a per-address rate limit kept in the database (catalogue.ratelimit: one atomic UPDATE, shared
  by every worker and node): at most RATE_LIMIT posts per RATE_WINDOW_SECONDS, the address read
  as the login lockout reads it (settings.AXES_CLIENT_IP_CALLABLE).
What a robot trips (honeypot, forged, foreign or replayed token) gets one generic message that
says nothing about which check it was; the checks a person can trip (too fast, too old) say so.
Accepted reports are stored as ErrorReport, the admin's review queue, with invisible formatting
characters (bidi overrides, zero-width spaces) removed (catalogue.curation.strip_invisible).
"""

import hashlib
import secrets
import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import editions, ratelimit
from .curation import strip_invisible
from .models import ErrorReport, Measure, SpentToken

MIN_SECONDS = 3
MAX_AGE_SECONDS = 2 * 60 * 60
RATE_LIMIT = 10
RATE_WINDOW_SECONDS = 60 * 60
TOKEN_SALT = "catalogue.feedback.report-error"
MESSAGE_MAX_LENGTH = ErrorReport._meta.get_field("message").max_length


# The one answer to whatever only a robot does: it names no field and no check.
REFUSED = _("Rapporten kunde inte tas emot. Ladda om sidan och försök igen.")


def make_token(measure_id: int, *, issued_at: float | None = None) -> str:
    """A signed token saying when the form for this measure was handed out; the nonce makes
    each one unique, so that two visitors served in the same second can both use theirs."""
    issued = int(time.time() if issued_at is None else issued_at)
    payload = {"m": measure_id, "t": issued, "n": secrets.token_urlsafe(8)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def spend_token(token: str) -> bool:
    """Mark the token used; False if it was used before (also by a parallel request)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            SpentToken.objects.create(digest=hashlib.sha256(token.encode()).hexdigest(), spent=now)
    except IntegrityError:
        return False
    # A token older than MAX_AGE_SECONDS is refused anyway: its row is no longer needed.
    SpentToken.objects.filter(spent__lt=now - timedelta(seconds=2 * MAX_AGE_SECONDS)).delete()
    return True


class ErrorReportForm(forms.Form):
    message = forms.CharField(
        label=_("Vad är fel?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70, "aria-describedby": "message-help"}),
        help_text=_("Beskriv felet och gärna vad som borde stå i stället."),
    )
    email = forms.EmailField(
        label=_("Din e-postadress (frivillig)"),
        required=False,
        widget=forms.EmailInput(attrs={"size": 40, "aria-describedby": "email-help"}),
        help_text=_("Bara om du vill att redaktionen ska kunna svara dig."),
    )
    # The honeypot: inside a hidden block in the template, so only robots fill it in.
    website = forms.CharField(
        label=_("Lämna det här fältet tomt"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, measure_id: int, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure_id = measure_id
        self.now = time.time() if now is None else now

    def clean_message(self):
        message = strip_invisible(self.cleaned_data["message"]).strip()
        if not message:
            raise forms.ValidationError(_("Skriv vad som är fel."), code="required")
        return message

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("website") or self.has_error("website"):
            # Not an error of the field: that would show its label, and tell the robot.
            self.errors.pop("website", None)
            raise forms.ValidationError(REFUSED, code="refused")
        return cleaned

    def clean_token(self):
        try:
            data = signing.loads(self.cleaned_data["token"], salt=TOKEN_SALT)
            measure_id, issued = int(data["m"]), int(data["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(REFUSED, code="refused") from None
        if measure_id != self.measure_id:
            raise forms.ValidationError(REFUSED, code="refused")
        age = self.now - issued
        if age < MIN_SECONDS:
            raise forms.ValidationError(
                _("Det gick lite väl fort. Vänta några sekunder och skicka igen."),
                code="too_fast",
            )
        if age > MAX_AGE_SECONDS:
            raise forms.ValidationError(
                _("Formuläret är för gammalt. Skicka igen."), code="expired"
            )
        return self.cleaned_data["token"]

    def save(self, measure: Measure) -> ErrorReport | None:
        """Store the report if its token was not used before; else add the generic error."""
        with transaction.atomic():
            if spend_token(self.cleaned_data["token"]):
                return ErrorReport.objects.create(
                    measure=measure,
                    message=self.cleaned_data["message"],
                    email=self.cleaned_data["email"],
                )
        self.add_error(None, forms.ValidationError(REFUSED, code="refused"))
        return None


def client_address(request) -> str:
    """The client's address as the login lockout sees it (trusted proxies accounted for)."""
    resolve = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    if isinstance(resolve, str):
        resolve = import_string(resolve)
    address = resolve(request) if callable(resolve) else None
    return address or request.META.get("REMOTE_ADDR") or "unknown"


def _over_rate_limit(request) -> bool:
    """Count this post for the client's address; True once it is over the limit."""
    key = f"report-error:{client_address(request)}"
    window = timedelta(seconds=RATE_WINDOW_SECONDS)
    return not ratelimit.hit(key, limit=RATE_LIMIT, window=window)


@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, pk: int):
    measure = get_object_or_404(
        Measure.objects.select_related("region", "chapter", "report"), pk=pk
    )
    status = 200
    if request.method == "POST":
        form = ErrorReportForm(request.POST, measure_id=measure.pk)
        if _over_rate_limit(request):
            form.is_valid()  # keep what the visitor wrote on the page
            form.errors.clear()
            form.add_error(
                None,
                _("Du har skickat många rapporter på kort tid. Försök igen om en stund."),
            )
            status = 429
        elif form.is_valid() and form.save(measure):
            return redirect(reverse("catalogue:report-error", args=[measure.pk]) + "?skickad=1")
        else:
            status = 400
    else:
        form = ErrorReportForm(measure_id=measure.pk)
    context = {
        "measure": measure,
        "form": form,
        "token": make_token(measure.pk),
        "sent": request.method == "GET" and "skickad" in request.GET,
        # The measure's edition, as on its page: the menu, the breadcrumb and the logo keep it.
        "edition": editions.resolve(str(measure.report.year)),
    }
    return render(request, "catalogue/report_error.html", context, status=status)
