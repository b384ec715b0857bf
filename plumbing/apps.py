from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlumbingConfig(AppConfig):
    """The plumbing every app may import: outbox jobs and domain events, worker heartbeats,
    admin base classes, roles, schedules, bilingual fields, link rate limits, registries.

    Its label stays ``portal`` (the app's first home), so its tables (``portal_job``...),
    migration history, permissions and admin URLs are unchanged.
    """

    name = "plumbing"
    label = "portal"
    verbose_name = _("Portal operations")

    def ready(self) -> None:
        from plumbing import jobs

        jobs.connect_signals()
