from django.urls import path

from . import password_views, people_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("two-factor/set-up/", views.otp_setup, name="otp_setup"),
    path("two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("password/change/", password_views.ChangePasswordView.as_view(), name="password_change"),
    path("password/forgotten/", password_views.ForgottenPasswordView.as_view(), name="password_forgotten"),
    path(
        "password/forgotten/sent/", password_views.ForgottenPasswordSentView.as_view(), name="password_forgotten_sent"
    ),
    path("password/set/<uidb64>/<token>/", password_views.SetPasswordView.as_view(), name="set_password"),
    path("people/", people_views.people, name="people"),
    path("people/invite/", people_views.invite, name="invite"),
    path("people/<int:pk>/", people_views.person, name="person"),
    path("people/<int:pk>/<slug:action>/", people_views.person_action, name="person_action"),
]
