from django.contrib import admin

from tandem.accounts.admin_site import ReadOnlyAdmin

from .models import Tutor


@admin.register(Tutor)
class TutorAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "kind", "status", "employer")
    list_filter = ("kind", "status", "college")
    search_fields = ("first_name", "last_name", "email")
