from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tandem.payments"
    label = "payments"
    verbose_name = "Payments and pay parity"

    def ready(self):
        from . import measures  # noqa: F401, PLC0415  (registers peer_pay_parity_breaches)
