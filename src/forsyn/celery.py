"""Celery application. In the embedded default (no FORSYN_BROKER_URL) tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forsyn.settings")

app = Celery("forsyn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
