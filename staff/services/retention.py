"""Sign-in partitions: the coming months created ahead, months past retention archived."""
from datetime import date

from django.utils import timezone

from daodao.partitions import Layout, maintain

SIGNINS = Layout(table="staff_signin", column="day", timestamptz=False)


def signin_partitions_maintain(*, today: date | None = None) -> dict[str, list[str]]:
    """Nightly, idempotent: partitions for this month and DAODAO_PARTITION_MONTHS_AHEAD more;
    months older than DAODAO_SIGNIN_RETENTION_MONTHS detached to the ``archive`` schema."""
    return maintain(SIGNINS, retention_setting="DAODAO_SIGNIN_RETENTION_MONTHS", today=today or timezone.localdate())
