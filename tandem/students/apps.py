from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "tandem.students"
    label = "students"

    def ready(self):
        from . import measures, signals  # noqa: F401, PLC0415  connects the receivers; registers the student measures
