from django.apps import AppConfig


class QiConfig(AppConfig):
    name = "tandem.qi"
    label = "qi"
