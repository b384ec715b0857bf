from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal operations")

    def ready(self) -> None:
        from django.conf import settings

        from portal import jobs
        from portal.celery import app

        jobs.connect_signals()
        # Import every app's tasks now: jobs are published by task name from
        # any process (web, beat, shell), not only from the worker.
        app.autodiscover_tasks(force=True)
        # kombu's filesystem transport needs its folders to exist; mail and
        # uploads go under var/ too on the embedded default.
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            if key in options:
                _make_dir(options[key])
        if getattr(settings, "EMAIL_FILE_PATH", None):
            _make_dir(settings.EMAIL_FILE_PATH)
        _make_dir(settings.MEDIA_ROOT)


def _make_dir(path: object) -> None:
    from pathlib import Path

    Path(str(path)).mkdir(parents=True, exist_ok=True)
