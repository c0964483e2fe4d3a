from django.urls import path

from . import views

app_name = "stories"
urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.detail, name="detail"),
    path("pack.pdf", views.story_pack, name="pack"),
    path("manage/", views.manage, name="manage"),
    path("manage/add/", views.add, name="add"),
    path("manage/<int:pk>/", views.manage_story, name="manage_story"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/consent/", views.consent, name="consent"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/<int:pk>/delete/", views.delete, name="delete"),
]
