from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("REST API and webhooks")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from api import personal_data, schema, webhooks
        from api.keys import api_key_cache_forget
        from api.models import ApiKey

        post_save.connect(api_key_cache_forget, sender=ApiKey, dispatch_uid="api-key-cache")
        post_delete.connect(api_key_cache_forget, sender=ApiKey, dispatch_uid="api-key-cache")
        webhooks.connect_subscribers()
        personal_data.personal_data_connect()
        schema.register_extensions()
