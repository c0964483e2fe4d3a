from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    name = "tandem.release"
    label = "release"
    verbose_name = "Release and staff-tutor pipeline"

    def ready(self):
        from . import measures  # noqa: F401, PLC0415  (registers the process measures)
