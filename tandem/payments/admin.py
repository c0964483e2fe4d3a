from django.contrib import admin

from tandem.accounts.admin_site import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Expense, Payment, PaymentChoice, PayPoint, PayPolicy, PayYear, RateCard, StaffPayGrade, WorkLog

# Read only: payments change status through Tandem's own pages (audited, race-safe).


@admin.register(RateCard)
class RateCardAdmin(ReadOnlyAdmin):
    list_display = ("college", "effective_from", "delivery_basis", "delivery_rate", "hourly_rate")
    list_filter = ("college",)


class PayPointInline(ReadOnlyTabularInline):
    model = PayPoint


@admin.register(PayYear)
class PayYearAdmin(ReadOnlyAdmin):
    list_display = ("college", "label", "starts_on", "hcas_percent", "illustrative")
    list_filter = ("college",)
    inlines = [PayPointInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("tutor", "activity", "date", "amount", "status")
    list_filter = ("status", "activity")


admin.site.register([PayPolicy, StaffPayGrade, WorkLog, Expense, PaymentChoice], ReadOnlyAdmin)
