"""Celery application.

The whole beat schedule lives here, in one place. Without ``REDIS_URL`` (the demo)
settings switch Celery to eager mode, so tasks run in-process and the demo needs no
broker.
"""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401 — used by the schedule entries

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daodao.settings")

app = Celery("daodao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The whole beat schedule, in one place. Times are Asia/Shanghai (CELERY_TIMEZONE).
# Every periodic task is idempotent and safe if two runs overlap: claims are conditional
# UPDATEs, inserts are upserts, and the rating jobs take an advisory lock (daodao/joblock.py)
# so an overlapping run is a no-op.
app.conf.beat_schedule = {
    # Yesterday's sign-ins against each venue's baseline; after midnight so the day is complete.
    "staff-detect-signin-anomalies": {"task": "staff.detect_signin_anomalies", "schedule": crontab(hour=2, minute=10)},
    # Partitions of the coming months (a sign-in on the 1st always lands) and retention
    # (whole months detached to the archive schema, never row by row).
    "staff-maintain-signin-partitions": {"task": "staff.maintain_signin_partitions",
                                         "schedule": crontab(hour=0, minute=50)},
    "audit-maintain-partitions": {"task": "audit.maintain_partitions", "schedule": crontab(hour=0, minute=55)},
    # After midnight, so "signed in at the previous venue since" includes the whole of yesterday.
    "staff-resolve-transfers": {"task": "staff.resolve_transfers", "schedule": crontab(hour=1, minute=40)},
    # Yesterday's missing self-inspections become "missed" rows (closed days excluded).
    "inspections-mark-missed-self-inspections": {
        "task": "inspections.tasks.mark_missed_self_inspections", "schedule": crontab(hour=0, minute=30)},
    # Deadlines are local dates: an order is overdue from 00:00 after its deadline; hourly re-runs are no-ops.
    "inspections-flag-overdue-rectifications": {
        "task": "inspections.tasks.flag_overdue_rectifications", "schedule": crontab(minute=5)},
    # 提醒补签: weekly notices per venue (keyed, so daily runs repeat nothing) and grace-period alerts.
    "pledges-remind": {"task": "pledges.tasks.remind_pledges", "schedule": crontab(hour=8, minute=0)},
    # Working before training, manager prevention course overdue, refreshers due.
    "training-check": {"task": "training.tasks.check_training", "schedule": crontab(hour=8, minute=20)},
    # Star ratings: provisional scores, monthly colour, schedule, current standings, "behind" alerts.
    "ratings-refresh-standings": {"task": "ratings.refresh_standings", "schedule": crontab(hour=3, minute=0)},
    # Freeze the quarter that ended and grade the month that ended; later runs are no-ops.
    "ratings-close-periods": {"task": "ratings.close_periods", "schedule": crontab(hour=3, minute=30)},
    # The police home's trends, map and figure tiles, rebuilt before their 10-minute cache expires.
    "dashboard-warm-home": {"task": "dashboard.warm_home", "schedule": crontab(minute="*/5")},
    # Background export files past their keeping time deleted; jobs a dead worker left running failed.
    "exports-cleanup": {"task": "exports.cleanup", "schedule": crontab(hour=4, minute=30)},
    # 月报 of the month that ended, after close_periods has graded it; keeps existing versions, re-runs build nothing.
    "reports-build-monthly": {"task": "reports.build_monthly_reports",
                              "schedule": crontab(day_of_month=1, hour=4, minute=0)},
}
