from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ratings import services
from ratings.models import Rating
from ratings.periods import parse_quarter, quarter_of


class Command(BaseCommand):
    help = "Star ratings: 'refresh' (provisional scores and standings), 'close --period 2026Q3', 'verify --period'."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["refresh", "close", "verify"])
        parser.add_argument("--period", help="a quarter like 2026Q3 (default: the current one)")

    def handle(self, *args: Any, action: str, period: str | None = None, **opts: Any) -> None:
        try:
            start, end = parse_quarter(period) if period else quarter_of(timezone.localdate())
        except ValueError as exc:
            raise CommandError(f"bad period {period!r}, expected e.g. 2026Q3") from exc
        if action == "refresh":
            if period:
                n = services.ratings_refresh(start=start, end=end)
                self.stdout.write(f"{n} provisional ratings changed")
            else:
                self.stdout.write(str(services.standings_refresh()))
        elif action == "close":
            self.stdout.write(f"{services.ratings_close_period(start=start, end=end)} ratings frozen")
        else:
            bad = 0
            for rating in Rating.objects.filter(period_start=start, is_final=True):
                again = services.rating_recompute(rating).score
                if again != rating.score:
                    bad += 1
                    self.stdout.write(f"venue {rating.venue_id}: frozen {rating.score} recomputed {again}")
            self.stdout.write(f"{bad} frozen ratings differ from a recomputation")
            if bad:
                raise CommandError("frozen ratings do not reproduce")
