from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tandem.core.params import next_url

from . import two_factor


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your College admin.",
    }


def lockout_message():
    minutes = settings.AXES_COOLOFF_MINUTES
    return (
        f"This account is locked because the password was entered wrongly {settings.AXES_FAILURE_LIMIT} times. "
        f"Try again in {minutes} minutes, or ask your College admin to unlock it."
    )


@method_decorator(login_not_required, name="dispatch")
class SignInView(LoginView):
    template_name = "accounts/sign_in.jinja"
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"title": "Sign in"}


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a username is locked: the sign-in page, with the reason."""
    form = SignInForm(
        request, data={"username": (credentials or {}).get("username") or request.POST.get("username", "")}
    )
    form._errors = forms.utils.ErrorDict({"__all__": form.error_class([lockout_message()])})
    response = render(
        request,
        "accounts/sign_in.jinja",
        {"title": "Sign in", "form": form, "locked_out": True, "next": request.POST.get("next", "")},
        status=429,
    )
    return response


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """GET asks to confirm (a link in the header); POST signs out (CSRF-protected)."""
    if request.method == "POST":
        logout(request)
        return redirect("accounts:login")
    return render(request, "accounts/sign_out.jinja", {"title": "Sign out"})


def _next_url(request):
    return next_url(request, settings.LOGIN_REDIRECT_URL)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=8,
        help_text="The 6-digit code your authenticator app shows now",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows, like 123456")
        return code


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """First sign-in of a two-factor role: scan the QR code (or type the key), enter a code."""
    if not two_factor.is_two_factor_role(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if two_factor.has_confirmed_device(request.user):
        return redirect(f"{_verify_url()}?{request.GET.urlencode()}" if request.GET else _verify_url())
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.session_device(request) is None:
            # The set-up ran out of time (or another sign-in started one): a new QR code follows.
            form.add_error(
                "code",
                "This set-up has ended (it lasts 10 minutes, and signing in again elsewhere starts a new "
                "one), so the QR code has changed. Remove Tandem from your authenticator app, scan the "
                "new QR code and enter the newest code",
            )
        elif two_factor.confirm_device(request, form.cleaned_data["code"]):
            messages.success(request, "Two-factor authentication is set up.")
            return redirect(_next_url(request))
        else:
            form.add_error(
                "code", "That code is not right. Check the time on your phone is correct and try the newest code"
            )
    device = two_factor.pending_device(request)
    return render(
        request,
        "accounts/otp_setup.jinja",
        {
            "title": "Set up two-factor authentication",
            "form": form,
            "next": _next_url(request),
            "secret": two_factor.base32_secret(device),
            "qr_svg": two_factor.qr_svg(device.config_url),
        },
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if not two_factor.is_two_factor_role(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not two_factor.has_confirmed_device(request.user):
        return redirect("accounts:otp_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(request, form.cleaned_data["code"])
        if outcome == two_factor.VERIFIED:
            return redirect(_next_url(request))
        if outcome == two_factor.TOO_MANY:
            logout(request)
            messages.error(request, "You were signed out after too many wrong security codes. Sign in again.")
            return redirect("accounts:login")
        form.add_error("code", "That code is not right. Enter the newest code your authenticator app shows")
    return render(
        request,
        "accounts/otp_verify.jinja",
        {"title": "Enter your security code", "form": form, "next": _next_url(request)},
    )


def _verify_url():
    return reverse("accounts:otp_verify")
