from django.urls import path

from . import views

app_name = "release"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/<int:tutor_pk>/", views.budget_edit, name="budget"),
]
