"""Celery application.

The whole beat schedule lives here, in one place. Without ``REDIS_URL`` (the demo)
settings switch Celery to eager mode, so tasks run in-process and the demo needs no
broker.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daodao.settings")

app = Celery("daodao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are Asia/Shanghai (CELERY_TIMEZONE follows TIME_ZONE).
app.conf.beat_schedule = {}


def schedule(name: str, task: str, when: crontab) -> None:
    """Register a periodic task; apps call this from nowhere else but this module."""
    app.conf.beat_schedule[name] = {"task": task, "schedule": when}
