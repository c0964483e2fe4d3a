from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"

    def ready(self):
        from . import versions  # noqa: PLC0415

        # Writes to a College's records change its data version (cached computations: versions.py).
        versions.connect()
