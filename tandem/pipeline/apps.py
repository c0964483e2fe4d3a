from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "tandem.pipeline"
    label = "pipeline"
    verbose_name = "Staff-tutor pipeline"

    def ready(self):
        from . import measures  # noqa: F401, PLC0415  (registers the pipeline's measures)
