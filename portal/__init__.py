"""The Trust Portal project: settings, URLs, the Celery app, the database and broker glue."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
