"""~60 demo venues over three districts of 绍兴市. Deterministic and idempotent."""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.demo import DEMO_PASSWORD
from accounts.models import Jurisdiction, User
from accounts.services import user_create
from daodao.identifiers import USCC_ALPHABET, uscc_check_char

from .models import Venue

BRANDS = [
    "金色年华", "星光", "欢乐迪", "麦乐迪", "魅力四射", "银河", "皇家一号", "蓝调", "夜色", "兰亭", "鉴湖",
    "咸亨", "会稽山", "沈园", "水乡", "东浦", "黄酒小镇", "古越", "仓桥", "柯岩", "金柯桥", "梅山", "百官",
    "曹娥江", "凤凰", "乐途", "喜悦", "圣地亚哥", "名门", "唐朝", "维也纳", "新天地",
]
KINDS = [
    (Venue.Type.KTV, "KTV", (15, 45)), (Venue.Type.KTV, "量贩式KTV", (20, 50)),
    (Venue.Type.BAR, "酒吧", (6, 20)), (Venue.Type.HOTEL, "大酒店", (25, 70)),
    (Venue.Type.BATH, "足浴会所", (10, 35)), (Venue.Type.BATH, "洗浴中心", (15, 40)),
    (Venue.Type.INTERNET_CAFE, "网咖", (4, 10)), (Venue.Type.DANCE_HALL, "舞厅", (6, 18)),
    (Venue.Type.CHESS_CARD, "棋牌室", (2, 6)), (Venue.Type.OTHER, "音乐餐吧", (5, 15)),
]
STREETS = {
    "330602": ["解放北路", "中兴中路", "人民中路", "环城西路", "胜利东路", "延安路", "城南大道"],
    "330603": ["笛扬路", "金柯桥大道", "鉴湖路", "湖西路", "华齐路"],
    "330604": ["市民大道", "人民西路", "江扬路"],
}
CENTRES = {"330602": (30.00, 120.58), "330603": (30.08, 120.49), "330604": (30.03, 120.87)}
# venues per district
SPREAD = {"330602": 30, "330603": 22, "330604": 8}


def demo_licence(rng: random.Random, district_code: str) -> str:
    body = "9133" + district_code[2:6] + "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(9))
    return body + uscc_check_char(body)


def seed(ctx: dict[str, Any]) -> dict[str, Venue]:
    rng = random.Random(20201)  # noqa: S311 — deterministic demo data
    nodes: dict[str, Jurisdiction] = ctx["nodes"]
    venues: dict[str, Venue] = {}
    used: set[str] = set()
    for dcode, count in SPREAD.items():
        stations = [n for c, n in nodes.items() if c.startswith(dcode) and len(c) == 9
                    and n.level == Jurisdiction.Level.STATION]
        for i in range(count):
            kind, suffix, (lo, hi) = KINDS[0] if i == 0 else rng.choice(KINDS)
            brand = rng.choice(BRANDS)
            name = f"{brand}{suffix}"
            while name in used:
                brand = rng.choice(BRANDS)
                name = f"{brand}{suffix}"
            used.add(name)
            licence = demo_licence(rng, dcode)
            lat0, lng0 = CENTRES[dcode]
            status = Venue.Status.OPERATING
            roll = rng.random()
            if roll > 0.95:
                status = Venue.Status.CLOSED
            elif roll > 0.9:
                status = Venue.Status.SUSPENDED
            venue, _ = Venue.objects.get_or_create(
                name=name,
                station=stations[0] if i == 0 else rng.choice(stations),
                defaults={
                    "type": kind,
                    "licence_no": licence,
                    "address": f"绍兴市{nodes[dcode].name}{rng.choice(STREETS[dcode])}{rng.randint(1, 399)}号",
                    "contact_phone": f"0575-8{rng.randint(1000000, 9999999)}",
                    "status": Venue.Status.OPERATING if i == 0 else status,
                    "expected_headcount": rng.randint(lo, hi),
                    "opened_on": date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)),
                    "latitude": Decimal(f"{lat0 + rng.uniform(-0.03, 0.03):.6f}"),
                    "longitude": Decimal(f"{lng0 + rng.uniform(-0.03, 0.03):.6f}"),
                },
            )
            venues[f"{dcode}-{i}"] = venue

    # Each venue lies in a town/street of its district too (the flagship in 迪荡街道), in turn.
    for dcode in SPREAD:
        streets = [n for c, n in sorted(nodes.items()) if c.startswith(dcode) and len(c) == 9
                   and n.level == Jurisdiction.Level.STREET]
        keys = [k for k in venues if k.startswith(f"{dcode}-")]
        for i, key in enumerate(keys):
            if streets and venues[key].street_id is None:
                venues[key].street = streets[i % len(streets)]
                venues[key].save(update_fields=["street"])

    # The first 越城 venue is a KTV at 城南派出所, run by manager_yc (the README's demo account).
    flagship = venues["330602-0"]
    flagship.managers.add(ctx["users"]["manager_yc"])
    # Each other operating venue gets its own manager account, so every venue can be
    # logged into and scoping between managers is visible in the demo.
    password_hash = make_password(DEMO_PASSWORD)
    for key, venue in venues.items():
        if key == "330602-0" or venue.managers.exists():
            continue
        username = f"mgr_{key.replace('-', '_')}"
        manager = User.objects.filter(username=username).first() or user_create(
            username=username, password=DEMO_PASSWORD, role=User.Role.MANAGER,
            jurisdiction=venue.station, last_name=venue.name[:2], first_name="经理",
            password_hash=password_hash,
        )
        venue.managers.add(manager)
    return venues
