"""The public "report an error" form: no account and no JavaScript needed, three spam checks.

Spam protection, all server-side:
- a honeypot field that people never see (a hidden block) and form-filling robots do fill;
- a signed timestamp issued with the form: a submission sooner than MIN_SECONDS after it, or
  later than MAX_AGE_SECONDS, or with a forged or foreign token, is refused;
- a per-IP rate limit in the "shared" cache (files under VAR_DIR, common to every worker of the
  server): at most RATE_LIMIT posts per RATE_WINDOW_SECONDS, the address read as the login
  lockout reads it (settings.AXES_CLIENT_IP_CALLABLE). Behind a load balancer each server counts
  its own posts.
Accepted reports are stored as ErrorReport, the admin's review queue.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .models import ErrorReport, Measure

MIN_SECONDS = 3
MAX_AGE_SECONDS = 2 * 60 * 60
RATE_LIMIT = 10
RATE_WINDOW_SECONDS = 60 * 60
TOKEN_SALT = "catalogue.feedback.report-error"
MESSAGE_MAX_LENGTH = ErrorReport._meta.get_field("message").max_length


def make_token(measure_id: int, *, issued_at: float | None = None) -> str:
    """A signed token saying when the form for this measure was handed out."""
    issued = int(time.time() if issued_at is None else issued_at)
    return signing.dumps({"m": measure_id, "t": issued}, salt=TOKEN_SALT, compress=True)


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
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Skriv vad som är fel."), code="required")
        return message

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Rapporten kunde inte tas emot."), code="honeypot")
        return ""

    def clean_token(self):
        try:
            data = signing.loads(self.cleaned_data["token"], salt=TOKEN_SALT)
            measure_id, issued = int(data["m"]), int(data["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                _("Formuläret gick inte att läsa. Ladda om sidan och försök igen."),
                code="invalid",
            ) from None
        if measure_id != self.measure_id:
            raise forms.ValidationError(_("Formuläret hör till en annan insats."), code="invalid")
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
    cache = caches["shared"]
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > RATE_LIMIT


@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, pk: int):
    measure = get_object_or_404(Measure.objects.select_related("region", "chapter"), pk=pk)
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
        elif form.is_valid():
            ErrorReport.objects.create(
                measure=measure,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
            )
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
    }
    return render(request, "catalogue/report_error.html", context, status=status)
