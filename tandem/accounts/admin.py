from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class TandemUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Tandem", {"fields": ("role", "college")}),)
    list_display = ("username", "first_name", "last_name", "role", "college", "is_active")
    list_filter = ("role", "college", "is_active")
