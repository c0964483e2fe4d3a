from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class TandemUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Tandem", {"fields": ("role", "college")}),)
    list_display = ("username", "first_name", "last_name", "role", "college", "is_active")
    list_filter = ("role", "college", "is_active")


# django-otp's own admin shows each device's secret key: a staff user could copy someone else's
# second factor. Tandem's shows the devices without it (reset one with `tandem reset_two_factor`).
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


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
