"""The Django admin is not a second door into a College.

`/admin/` is for platform operators only: active accounts with `is_superuser` and `is_staff`
(made with `tandem createsuperuser`). Every other signed-in user — every College role, even with
`is_staff` — gets a 404 from every admin URL, the admin's sign-in page included; an anonymous
visitor is sent to Tandem's own sign-in (lockout, two-factor, session timeouts), never shown the
admin's.

College data is read only here (`ReadOnlyAdmin`): it changes through Tandem's own pages and
services, which scope it to a College, keep the co-production and co-delivery rules and audit
every write. The exceptions are the setup records a new College cannot be created without
(`SetupAdmin`: organisations, Colleges, terms, sites, rooms; add and change, never delete, each
save audited) and the operator's own tools in `tandem.accounts.admin` (user accounts and
authenticator devices, audited). `tandem/accounts/tests/test_admin_site.py` fails when a tandem
model is registered writable.

Installed as the default admin site by `tandem.accounts.admin_config.TandemAdminConfig`, so
`admin.site` and `@admin.register` everywhere are this site.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from tandem.audit.services import record

from .rules import is_platform_operator

__all__ = ["is_platform_operator", "TandemAdminSite", "ReadOnlyAdmin", "ReadOnlyTabularInline", "SetupAdmin"]


class TandemAdminSite(admin.AdminSite):
    site_header = "Tandem platform administration"
    site_title = "Tandem platform administration"
    index_title = "Platform operators only"

    def has_permission(self, request):
        return is_platform_operator(request.user)

    def _refuse(self, request, next_url=None):
        """A signed-in non-operator: 404 (the admin is not there for them). Anonymous: Tandem's
        own sign-in page, then back here."""
        if request.user.is_authenticated:
            raise Http404("No such page.")
        return redirect_to_login(next_url or request.get_full_path(), settings.LOGIN_URL)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if not self.has_permission(request):
                return self._refuse(request)
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    @login_not_required
    def login(self, request, extra_context=None):
        if not self.has_permission(request):
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return self._refuse(request, next_url)
        # An operator already signed in: Django's login view sends them on to the admin.
        return super().login(request, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """College data in the admin: view only, for operators (no add, change or delete)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SetupAdmin(admin.ModelAdmin):
    """The records an operator sets a new College up with (no personal data and no Tandem page to
    create them): an operator may add and change them, never delete them; each save is audited."""

    def has_add_permission(self, request, obj=None):
        return is_platform_operator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            fields=form.changed_data,
            note="Django admin",
        )
