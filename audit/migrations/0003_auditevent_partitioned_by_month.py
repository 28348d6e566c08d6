"""Audit events partitioned by month (PostgreSQL; nothing changes on SQLite): retention
detaches whole months (daodao/partitions.py) and never deletes a row."""
from django.db import migrations

from daodao.partitions import Layout, convert_to_monthly, convert_to_plain

AUDIT_EVENTS = Layout(table="audit_auditevent", column="at", timestamptz=True)


def forward(apps, schema_editor):
    from django.utils import timezone

    convert_to_monthly(AUDIT_EVENTS, months_ahead=3, today=timezone.localdate())


def backward(apps, schema_editor):
    convert_to_plain(AUDIT_EVENTS)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
