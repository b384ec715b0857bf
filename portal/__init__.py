"""The Trust Portal project: settings, URLs, the Celery app and shared plumbing."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
