from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "tandem.stories"
    label = "stories"
    verbose_name = "Stories"
