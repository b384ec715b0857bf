from pathlib import Path

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself (settings, URLs, the Celery app, the demo seed command): no models."""

    name = "portal"
    label = "project"
    verbose_name = "Trust Portal"

    def ready(self) -> None:
        from django.conf import settings

        from portal.celery import app

        # Import every app's tasks now: jobs are published by task name from
        # any process (web, beat, shell), not only from the worker.
        app.autodiscover_tasks(force=True)
        # The embedded broker's file, mail and uploads go under var/ on the embedded default.
        if settings.PORTAL_EMBEDDED_BROKER:
            _make_dir(settings.PORTAL_EMBEDDED_BROKER.parent)
        if getattr(settings, "EMAIL_FILE_PATH", None):
            _make_dir(settings.EMAIL_FILE_PATH)
        _make_dir(settings.MEDIA_ROOT)


def _make_dir(path: object) -> None:
    Path(str(path)).mkdir(parents=True, exist_ok=True)
