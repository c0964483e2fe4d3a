from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "tandem.courses"
    label = "courses"
