from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    name = "tandem.release"
    label = "release"
    verbose_name = "Release"

    def ready(self):
        from . import measures  # noqa: F401, PLC0415  (registers the process measures)
