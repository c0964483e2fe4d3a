from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 (receivers connect once the apps are ready)
