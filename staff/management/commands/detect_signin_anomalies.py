import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from staff.detector import detect_signin_anomalies


class Command(BaseCommand):
    help = "Run the sign-in anomaly detector (the nightly task's code) for a date; re-running adds nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="last day to evaluate, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--days", type=int, default=1, help="evaluate this many days ending at --date")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        result = detect_signin_anomalies(on=on, days=options["days"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))
