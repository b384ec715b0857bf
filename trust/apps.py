from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "trust"
    verbose_name = _("Trust accounts")

    def ready(self) -> None:
        from trust.listeners import listeners_connect
        from trust.personal_data import personal_data_connect

        listeners_connect()
        personal_data_connect()
