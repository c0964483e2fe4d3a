from django.urls import path

from . import outcome_views, register_views, views

app_name = "students"
urlpatterns = [
    path("mine/", views.my_courses, name="my_courses"),
    path("runs/<int:pk>/book/", views.book, name="book"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("certificates/<int:pk>/", views.certificate_pdf, name="certificate"),
    path("mine/plan/", outcome_views.my_plan, name="my_plan"),
    path("mine/plan/review/", outcome_views.my_plan_review, name="my_plan_review"),
    path("mine/plan/goals/<int:goal>/achieved/", outcome_views.my_goal_achieved, name="my_goal_achieved"),
    path("mine/runs/<int:pk>/feedback/", outcome_views.feedback, name="feedback"),
    path("mine/runs/<int:pk>/<slug:kind>/<slug:timing>/", outcome_views.questionnaire, name="questionnaire"),
    path("mine/equality/", outcome_views.my_equality, name="my_equality"),
    # College admins
    path("", views.student_list, name="list"),
    path("new/", views.enrol, name="enrol"),
    path("settings/", views.student_settings, name="settings"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("<int:pk>/book/", views.book_for, name="book_for"),
    path("runs/<int:pk>/", views.run_bookings, name="run_bookings"),
    # The run's tutors and the College admins: who came to a session recorded without it
    path("sessions/<int:pk>/attendance/", register_views.take_attendance, name="attendance"),
    # Learning advisers (the College's admins)
    path("<int:pk>/plan/", outcome_views.plan, name="plan"),
    path("<int:pk>/plan/review/", outcome_views.plan_review, name="plan_review"),
    path("<int:pk>/plan/goals/<int:goal>/achieved/", outcome_views.goal_achieved, name="goal_achieved"),
    # College admins: from paper, and equality monitoring
    path("<int:pk>/runs/<int:run>/feedback/", outcome_views.paper_feedback, name="paper_feedback"),
    path(
        "<int:pk>/runs/<int:run>/<slug:kind>/<slug:timing>/",
        outcome_views.paper_questionnaire,
        name="paper_questionnaire",
    ),
    path("<int:pk>/equality/", outcome_views.equality, name="equality"),
    path("equality/", outcome_views.equality_report, name="equality_report"),
]
