from django.contrib import admin

from .models import Expense, PayPoint, PayPolicy, PayYear, Payment, PaymentChoice, RateCard, StaffPayGrade, WorkLog


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ("college", "effective_from", "delivery_basis", "delivery_rate", "hourly_rate")
    list_filter = ("college",)


class PayPointInline(admin.TabularInline):
    model = PayPoint
    extra = 0


@admin.register(PayYear)
class PayYearAdmin(admin.ModelAdmin):
    list_display = ("college", "label", "starts_on", "hcas_percent", "illustrative")
    list_filter = ("college",)
    inlines = [PayPointInline]


admin.site.register(PayPolicy)
admin.site.register(StaffPayGrade)
admin.site.register(WorkLog)
admin.site.register(Expense)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read only: payments change status through Tandem's own pages (audited, race-safe)."""

    list_display = ("tutor", "activity", "date", "amount", "status")
    list_filter = ("status", "activity")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(PaymentChoice)
