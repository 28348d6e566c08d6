from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from inspections.services import rectifications_flag_overdue


class Command(BaseCommand):
    help = "Mark overdue rectification orders, raise one alert per venue, escalate long-overdue orders. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="evaluate as of this local date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        r = rectifications_flag_overdue(today=options.get("date"))
        self.stdout.write(f"newly overdue: {r.newly_overdue}; alerts created: {r.alerts_created}, "
                          f"updated: {r.alerts_updated}; interview tasks raised: {r.tasks_raised}")
