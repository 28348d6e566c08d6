"""Sign-ins partitioned by month (PostgreSQL; nothing changes on SQLite).

A province makes ~220 M sign-ins a year: one table per month keeps indexes small, lets
the retention job detach whole months instead of deleting rows, and keeps the once-a-day
key (person, venue, day) unique per partition (the day is part of it). The rows move as
they are; the correction's link to its sign-in stays without a database-level foreign key
(a partitioned table's id alone is no unique key to PostgreSQL).
"""

import django.db.models.deletion
from django.db import migrations, models

from daodao.partitions import Layout, convert_to_monthly, convert_to_plain

SIGNINS = Layout(table="staff_signin", column="day", timestamptz=False)


def forward(apps, schema_editor):
    from django.utils import timezone

    convert_to_monthly(SIGNINS, months_ahead=3, today=timezone.localdate())


def backward(apps, schema_editor):
    convert_to_plain(SIGNINS)


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0005_transfers_part_time"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signincorrection",
            name="signin",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="corrections",
                                    to="staff.signin", verbose_name="sign-in"),
        ),
        migrations.RunPython(forward, backward),
    ]
