"""Demo appeals (申诉复核), after ``ratings.demo`` has closed the previous quarter:

- the flagship venue (manager_yc) appealed a deduction of last quarter's rating; a second
  越城 narcotics officer, officer_yc2 (not the officer who recorded it), upheld it (in part
  when the line is worth more than one point)
  through the audited adjustment, and the venue published a reply on its plaque page;
- another 越城 venue's appeal is still open and past its decision deadline, so it shows on
  the officers' work list;
- a 越城 venue below five stars asked for a re-visit after rectifying.

The appeals are created as filed a few days after the quarter closed (inside the window;
the demo runs later than that), then decided through the real service. Idempotent: skips
when any appeal exists.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.demo import DEMO_PASSWORD
from accounts.models import Jurisdiction, User
from accounts.services import user_create
from ratings.models import Rating, Standing, Tier
from ratings.periods import quarter_display
from ratings.wording import deduction_lines
from venues.models import Venue

from . import services
from .models import Appeal, RevisitRequest
from .selectors import decision_days, window_days


def _decider(district: Jurisdiction) -> User:
    """A second narcotics officer of 越城: officer_yc recorded the demo deductions."""
    existing = User.objects.filter(username="officer_yc2").first()
    if existing:
        return existing
    return user_create(username="officer_yc2", password=DEMO_PASSWORD, role=User.Role.POLICE,
                       department=User.Department.NARCOTICS, jurisdiction=district, last_name="刘", first_name="芳")


def _filed(rating: Rating, *, by: User, reasons: str, days_after: int) -> Appeal:
    """An appeal as filed ``days_after`` the quarter's end (within the window)."""
    deduction = rating.deductions.filter(points__gt=0).order_by("-points", "id").first()
    filed = timezone.make_aware(datetime.combine(rating.period_end + timedelta(days=days_after), time(10)))
    with translation.override(settings.LANGUAGE_CODE):
        if deduction is not None:
            contested, points = deduction_lines([deduction], police=False)[0].sentence, deduction.points
        else:
            contested = _("The whole rating of %(period)s: %(tier)s, score %(score)s") % {
                "period": quarter_display(rating.period_start), "tier": Tier(rating.tier).label,
                "score": rating.score}
            points = Decimal(100) - rating.score
    return Appeal.objects.create(
        rating=rating, venue=rating.venue, deduction=deduction, contested=contested[:300], contested_points=points,
        reasons=reasons, filed_by=by, filed_at=filed,
        decide_by=filed.date() + timedelta(days=decision_days()), score_before=rating.score, tier_before=rating.tier)


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if Appeal.objects.exists():
        return {"skipped": True}
    users = ctx["users"]
    newest = Rating.objects.filter(is_final=True).order_by("-period_start").values_list("period_start", flat=True)
    start = newest.first()
    if start is None:
        return {"skipped": True}
    district = Jurisdiction.objects.filter(code="330602").first()
    if district is None:
        return {"skipped": True}
    decider = _decider(district)
    yc = Rating.objects.filter(is_final=True, period_start=start, venue__station__path__startswith=district.path)
    # 1. The flagship venue: a deduction appealed, partly upheld, a reply published.
    manager = users["manager_yc"]
    flagship = yc.filter(venue__managers=manager, score__lt=100).select_related("venue").first()
    out: dict[str, Any] = {"decider": decider.username}
    if flagship is not None:
        appeal = _filed(flagship, by=manager, days_after=min(3, window_days()),
                        reasons="【演示数据】扣分所涉问题在季度结束前已经整改，附整改照片和签收单据，请予复核。")
        line = appeal.contested_points
        points = (line / 2).quantize(Decimal("0.01")) if line > 1 else line
        services.appeal_decide(appeal=appeal, by=decider, outcome="partly" if points < line else "upheld",
                               points=points,
                               reasons="【演示数据】材料显示问题已在季度结束前整改，返还相应扣分。")
        services.rating_reply_publish(by=manager, rating=flagship,
                                      text="我们已补签全部员工禁毒责任状，并安排专人每日检查台账，欢迎监督。")
        out["decided"] = appeal.pk
    # 2. Another venue: an open appeal, past its decision deadline (the work list shows it).
    other = (yc.exclude(venue__managers=manager).filter(score__lt=100, venue__managers__isnull=False)
             .select_related("venue").order_by("score").first())
    if other is not None:
        other_manager = other.venue.managers.order_by("pk").first()
        if other_manager is not None:
            appeal = _filed(other, by=other_manager, days_after=min(10, window_days()),
                            reasons="【演示数据】自查记录当天已补录，系统未及时同步，请予复核。")
            out["open"] = appeal.pk
    # 3. A venue below five stars asked for a re-visit after rectifying.
    below = (Standing.objects.filter(tier__lt=Tier.FIVE, venue__status=Venue.Status.OPERATING,
                                     venue__station__path__startswith=district.path,
                                     venue__managers__isnull=False)
             .select_related("venue").order_by("score").first())
    if below is not None:
        asker = below.venue.managers.order_by("pk").first()
        if asker is not None and not RevisitRequest.objects.filter(venue=below.venue).exists():
            revisit = services.revisit_request(by=asker, venue=below.venue,
                                               rectified="【演示数据】已补签全部员工禁毒责任状，并完成包厢照明改造。")
            out["revisit"] = revisit.pk
    out["adjusted_points"] = str(Appeal.objects.aggregate(n=Sum("points_restored"))["n"] or 0)
    return out
