from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo

# Each app that has demo data contributes a ``demo`` module with ``seed(ctx)``; they run
# in this order, each adding what it made to ``ctx`` for the next.
SEEDERS = [
    "venues.demo", "staff.demo", "training.demo", "inspections.demo", "pledges.demo", "outreach.demo",
    "hairtests.demo", "ratings.demo", "appeals.demo",
]


class Command(BaseCommand):
    help = "Build the demo data set (绍兴市). Idempotent. Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="run even though DEBUG is off")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force if you really mean it.")

        with transaction.atomic():
            ctx: dict[str, Any] = accounts_demo.seed()
            for name in SEEDERS:
                module = import_module(name)
                self.stdout.write(f"seeding {name} …")
                ctx[name.split(".")[0]] = module.seed(ctx)
        done = "Demo data ready. Accounts use the password " + accounts_demo.DEMO_PASSWORD
        self.stdout.write(self.style.SUCCESS(done))
