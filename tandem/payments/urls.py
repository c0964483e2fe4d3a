from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.payment_list, name="list"),
    path("generate/", views.generate, name="generate"),
    path("approve/", views.approve, name="approve"),
    path("mark-paid/", views.mark_paid, name="mark_paid"),
    path("export.csv", views.export, name="export"),
    path("<int:pk>/", views.payment_detail, name="detail"),
    path("<int:pk>/choice/", views.choice_on_behalf, name="choice"),
    path("mine/", views.my_payments, name="mine"),
    path("mine/<int:pk>/choice/", views.my_choice, name="my_choice"),
    path("rate-cards/", views.rate_cards, name="rate_cards"),
    path("rate-cards/new/", views.rate_card_edit, name="rate_card_new"),
    path("rate-cards/<int:pk>/edit/", views.rate_card_edit, name="rate_card_edit"),
    path("pay-table/", views.pay_table, name="pay_table"),
    path("pay-table/new/", views.pay_year_edit, name="pay_year_new"),
    path("pay-table/<int:pk>/", views.pay_year, name="pay_year"),
    path("pay-table/<int:pk>/edit/", views.pay_year_edit, name="pay_year_edit"),
    path("staff-bands/", views.staff_grades, name="grades"),
    path("policy/", views.policy, name="policy"),
    path("work/", views.work_logs, name="work"),
    path("expenses/", views.expenses, name="expenses"),
    path("parity/", views.parity, name="parity"),
]
