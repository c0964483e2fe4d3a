"""Passwords in Tandem's own pages: set a password from a one-time link (an invitation, `tandem
setup`, or a forgotten password), change your own, and ask for a link when you have forgotten it.
Django's views and token generator, NHS.UK pages; every change audited."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from tandem.audit.services import record


class TitleMixin:
    """Django's auth views set their own (translated) title after extra_context: ours wins."""

    page_title = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.page_title
        return context


@method_decorator(login_not_required, name="dispatch")
class ForgottenPasswordView(TitleMixin, auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to an account (no account discovery)."""

    template_name = "accounts/password_forgotten.jinja"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_forgotten_sent")
    page_title = "Forgotten your password?"
    form_class = PasswordResetForm
    # Links are built from SITE_URL, never from the request's Host header.
    extra_email_context = {
        "site_url": settings.SITE_URL.rstrip("/"),
        "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["email"].label = "Email address"
        form.fields["email"].error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.nhs.uk",
        }
        return form


@method_decorator(login_not_required, name="dispatch")
class ForgottenPasswordSentView(TitleMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_forgotten_sent.jinja"
    page_title = "Check your email"


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A one-time link: it works until the password is set (then the token no longer matches) or
    PASSWORD_RESET_TIMEOUT passes."""

    template_name = "accounts/password_set.jinja"
    success_url = reverse_lazy("accounts:login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Set your password" if context.get("validlink") else "This link has expired"
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        record(
            actor=self.user, action="set_password", obj=self.user, fields=["password"], college_id=self.user.college_id
        )
        messages.success(self.request, "Your password is set. Sign in with it now.")
        return response


@method_decorator(sensitive_post_parameters("old_password", "new_password1", "new_password2"), name="dispatch")
class ChangePasswordView(TitleMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.jinja"
    success_url = reverse_lazy("core:dashboard")
    page_title = "Change your password"

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in, ends the others
        record(actor=self.request.user, action="change_password", obj=self.request.user, fields=["password"])
        messages.success(self.request, "Your password is changed.")
        return response
