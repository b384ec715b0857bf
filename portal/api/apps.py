from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = _("REST API and webhooks")

    def ready(self) -> None:
        from portal.api import personal_data, schema, webhooks

        webhooks.connect_subscribers()
        personal_data.register_sources()
        schema.register_extensions()
