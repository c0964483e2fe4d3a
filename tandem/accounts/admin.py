"""The operator's tools in the Django admin (platform operators only: see admin_site.py): user
accounts and authenticator devices. Every change made here is audited (field names, never values)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from tandem.audit.services import record

from .admin_site import is_platform_operator
from .models import User

NOTE = "Django admin"
# The add form's password fields are one thing to the audit log: the password.
PASSWORD_FIELDS = {"password1", "password2", "usable_password"}


def _audited_fields(form):
    return sorted({"password" if name in PASSWORD_FIELDS else name for name in form.changed_data})


@admin.register(User)
class TandemUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Tandem", {"fields": ("role", "college")}),)
    list_display = ("username", "first_name", "last_name", "role", "college", "is_active")
    list_filter = ("role", "college", "is_active")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            fields=_audited_fields(form),
            note=NOTE,
        )

    def user_change_password(self, request, id, form_url=""):
        # Django's view saves the form itself (no save_model): compare the stored hash around it.
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            after = User.objects.filter(pk=id).values_list("password", flat=True).first()
            if before is not None and after != before:
                record(actor=request.user, action="update", obj=User.objects.get(pk=id), fields=["password"], note=NOTE)
        return response

    @transaction.atomic
    def delete_model(self, request, obj):
        record(actor=request.user, action="delete", obj=obj, note=NOTE)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for user in queryset:
            record(actor=request.user, action="delete", obj=user, note=NOTE)
        super().delete_queryset(request, queryset)


# django-otp's own admin shows each device's secret key: a staff user could copy someone else's
# second factor. Tandem's shows the devices without it. An operator may delete a device (a lost
# phone: the user sets up a new one at their next sign-in), audited as `tandem reset_two_factor` is.
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


def _audit_device_removed(request, device):
    record(actor=request.user, action="two_factor_reset", obj=device.user, fields=["totp_device"], note=NOTE)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request.user)

    @transaction.atomic
    def delete_model(self, request, obj):
        _audit_device_removed(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            _audit_device_removed(request, device)
        super().delete_queryset(request, queryset)
