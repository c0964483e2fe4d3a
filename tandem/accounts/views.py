from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your College admin.",
    }


@method_decorator(login_not_required, name="dispatch")
class SignInView(LoginView):
    template_name = "accounts/sign_in.jinja"
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"title": "Sign in"}


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """GET asks to confirm (a link in the header); POST signs out (CSRF-protected)."""
    if request.method == "POST":
        logout(request)
        return redirect("accounts:login")
    return render(request, "accounts/sign_out.jinja", {"title": "Sign out"})
