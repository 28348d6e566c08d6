"""Demo employees and six weeks of sign-ins, with an anomalous venue so the demo shows
real alerts. Deterministic, idempotent (skips if employees exist), bulk inserts only.

The flagship KTV (330602-0, manager_yc) normally has 20-30 employees signing in; for the
last three days only about 8 did -- the pattern from the brief that led to a raid. One
venue was closed for a week of renovation (never an anomaly). Demo employee for the
poster page: see DEMO_EMPLOYEE (张伟, phone 13900000001; the README lists the ID number).
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from daodao.identifiers import id_birth_date, id_check_char, id_gender
from venues.models import Venue

from .detector import detect_signin_anomalies
from .models import Employment, Person, SignIn, VenueDay
from .services import employee_register, venue_days_rebuild

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌浩宇欣怡晨阳婷雪梅"
POSITIONS = ["服务员", "收银员", "保安", "保洁", "领班", "吧员", "技师", "前台", "厨师", "音响师"]
HISTORY_DAYS = 42
# The employee a demo user types on the flagship's sign-in page (not signed in today).
DEMO_EMPLOYEE = {"name": "张伟", "id_number": "", "phone": "13900000001"}


def _id_number(rng: random.Random, region: str, seq: int) -> str:
    birth = date(1975, 1, 1) + timedelta(days=rng.randint(0, 365 * 28))
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if Employment.objects.exists():
        return {"skipped": True}
    rng = random.Random(3303)  # noqa: S311 — deterministic demo data
    venues: dict[str, Venue] = ctx["venues"]
    today = timezone.localdate()
    now = timezone.now()
    persons: list[Person] = []
    plan: list[tuple[str, int, str, str]] = []  # (venue key, person index, status, position)
    seen: set[str] = set()
    seq = 0
    for key, venue in venues.items():
        if venue.status != Venue.Status.OPERATING:
            continue
        region = venue.station.code[:6]
        for i in range(max(venue.expected_headcount, 3)):
            seq += 1
            ident = _id_number(rng, region, seq)
            while ident in seen:
                seq += 1
                ident = _id_number(rng, region, seq)
            seen.add(ident)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            phone = f"13{rng.randint(500000000, 999999999)}"
            if key == "330602-0" and i == 0:
                name, phone = DEMO_EMPLOYEE["name"], DEMO_EMPLOYEE["phone"]
                DEMO_EMPLOYEE["id_number"] = ident
            persons.append(Person(name=name, id_number=ident, phone=phone, gender=id_gender(ident),
                                  birth_date=id_birth_date(ident)))
            # New hires still pending their onboarding exam: two at the flagship, one at every
            # sixth venue (the training gate and "working before training" show on these).
            pending = (key == "330602-0" and i in (1, 2)) or (i == 1 and int(key.split("-")[1]) % 6 == 3)
            status: str = Employment.Status.PENDING if pending else Employment.Status.ACTIVE
            plan.append((key, len(persons) - 1, status, rng.choice(POSITIONS)))
    Person.objects.bulk_create(persons, batch_size=500)
    persons = list(Person.objects.order_by("id"))  # pks on SQLite too

    # A few people moved between venues: their old employment is closed (history for the police).
    keys = [k for k, v in venues.items() if v.status == Venue.Status.OPERATING]
    employments = []
    for key, idx, status, position in plan:
        hired = today - timedelta(days=rng.randint(60, 900) if status == Employment.Status.ACTIVE
                                  else rng.randint(1, 6))
        if idx % 25 == 5:
            other = venues[rng.choice([k for k in keys if k != key])]
            employments.append(Employment(person=persons[idx], venue=other, position=position,
                                          hired_on=hired - timedelta(days=400), left_on=hired,
                                          status=Employment.Status.LEFT))
        employments.append(Employment(person=persons[idx], venue=venues[key], position=position, hired_on=hired,
                                      status=status, activated_at=now if status == Employment.Status.ACTIVE else None))
    Employment.objects.bulk_create(employments, batch_size=500)

    current = list(Employment.objects.current().select_related("venue").order_by("venue_id", "id"))
    by_venue: dict[int, list[Employment]] = {}
    for e in current:
        by_venue.setdefault(e.venue_id, []).append(e)
    flagship = venues["330602-0"].pk
    renovating = venues[keys[5]].pk  # closed for a week: never an anomaly
    closed_days = [today - timedelta(days=d) for d in range(20, 27)]
    VenueDay.objects.bulk_create([
        VenueDay(venue_id=renovating, day=d, closed=True, closed_reason="装修停业") for d in closed_days
    ])

    signins = []
    for venue_id, staff in by_venue.items():
        venue = next(v for v in venues.values() if v.pk == venue_id)
        for back in range(HISTORY_DAYS, -1, -1):
            day = today - timedelta(days=back)
            if venue_id == renovating and day in closed_days:
                continue
            weekend = day.weekday() >= 4
            share = (0.92 if weekend else 0.75) + rng.uniform(-0.06, 0.06)
            n = round(len(staff) * share)
            if venue_id == flagship and 1 <= back <= 3:
                n = rng.randint(7, 9)  # the anomaly of the brief
            if back == 0:
                n = n // 2  # today: the morning shift so far
            present = [e for e in rng.sample(staff, min(n, len(staff))) if e.hired_on <= day]
            for e in present:
                if venue_id == flagship and e.person.name == DEMO_EMPLOYEE["name"] and back == 0:
                    continue
                at = timezone.make_aware(datetime.combine(day, time.min)) + timedelta(
                    hours=rng.randint(9, 19), minutes=rng.randint(0, 59))
                if at > now:
                    at = now - timedelta(minutes=rng.randint(1, 60))
                far = rng.random() < 0.03
                signins.append(SignIn(
                    employment=e, venue_id=venue_id, person_id=e.person_id, day=day, at=at,
                    distance_m=rng.randint(400, 3000) if far else rng.randint(5, 120), far_from_venue=far,
                    before_training=e.status == Employment.Status.PENDING, source=SignIn.Source.WEB,
                    lat=venue.latitude, lng=venue.longitude,
                ))
    SignIn.objects.bulk_create(signins, batch_size=1000)
    venue_days_rebuild(since=today - timedelta(days=HISTORY_DAYS), until=today)
    detection = detect_signin_anomalies(on=today - timedelta(days=1))
    transfer = _demo_transfer(venues["330602-0"], venues[keys[1]])
    return {"persons": len(persons), "signins": len(signins), "detection": detection,
            "demo_employee": dict(DEMO_EMPLOYEE), "transfer": transfer}


def _demo_transfer(flagship: Venue, other: Venue) -> str:
    """One of the flagship's staff registered today by another venue's manager, through the
    service: manager_yc sees a notice and the confirm / keep buttons on that employee's page."""
    manager = other.managers.first()
    mover = (Employment.objects.filter(venue=flagship, status=Employment.Status.ACTIVE)
             .exclude(person__name=DEMO_EMPLOYEE["name"]).select_related("person").order_by("id").first())
    if manager is None or mover is None:
        return ""
    employee_register(by=manager, venue=other, name=mover.person.name, id_number=mover.person.id_number,
                      phone=mover.person.phone, position="服务员")
    return mover.person.name
