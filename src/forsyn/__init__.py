"""forsyn: shared supply of health products to citizens."""

from forsyn.celery import app as celery_app

__all__ = ["celery_app"]
