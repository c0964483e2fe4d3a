from django.apps import AppConfig


class TutorsConfig(AppConfig):
    name = "tandem.tutors"
    label = "tutors"
