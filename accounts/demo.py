"""Demo jurisdictions and accounts (绍兴市). Idempotent: keyed on codes and usernames."""

from accounts.models import Jurisdiction, User
from accounts.services import jurisdiction_create, user_create

DEMO_PASSWORD = "Daodao@2026"  # noqa: S105 — published in the README for the demo only

TREE = {
    ("330000", "浙江省"): {
        ("330600", "绍兴市"): {
            ("330602", "越城区"): [
                ("330602001", "城南派出所"), ("330602002", "府山派出所"), ("330602003", "塔山派出所"),
                ("330602004", "北海派出所"), ("330602005", "东湖派出所"),
            ],
            ("330603", "柯桥区"): [
                ("330603001", "柯桥派出所"), ("330603002", "柯岩派出所"), ("330603003", "华舍派出所"),
                ("330603004", "齐贤派出所"),
            ],
            ("330604", "上虞区"): [("330604001", "百官派出所"), ("330604002", "曹娥派出所")],
        }
    }
}

# Towns/streets (镇街) beside the stations, where the anti-drug social workers belong.
# 迪荡街道 is where the source article's KTV lay.
STREETS = {
    "330602": [("330602101", "迪荡街道"), ("330602102", "府山街道"), ("330602103", "塔山街道")],
    "330603": [("330603101", "柯桥街道"), ("330603102", "柯岩街道")],
    "330604": [("330604101", "百官街道")],
}

# username, role, department, jurisdiction code, family name, given name
ACCOUNTS = [
    ("admin", User.Role.ADMIN, "", None, "系统", "管理员"),
    ("officer_yc", User.Role.POLICE, User.Department.NARCOTICS, "330602", "王", "建国"),
    ("officer_kq", User.Role.POLICE, User.Department.NARCOTICS, "330603", "陈", "立新"),
    ("police_yc_cn", User.Role.POLICE, User.Department.PUBLIC_ORDER, "330602001", "赵", "明"),
    ("fire_yc", User.Role.PARTNER, User.Department.FIRE, "330602", "李", "强"),
    ("culture_yc", User.Role.PARTNER, User.Department.CULTURE_TOURISM, "330602", "周", "文"),
    ("assoc_yc", User.Role.ASSOCIATION, "", "330602", "孙", "丽"),
    ("manager_yc", User.Role.MANAGER, "", "330602001", "钱", "伟"),
    ("social_yc", User.Role.SOCIAL_WORKER, "", "330602101", "冯", "晓燕"),
]


def _node(code: str, name: str, level: int, parent: Jurisdiction | None) -> Jurisdiction:
    existing = Jurisdiction.objects.filter(code=code).first()
    return existing or jurisdiction_create(name=name, code=code, level=level, parent=parent)


def seed_jurisdictions() -> dict[str, Jurisdiction]:
    nodes: dict[str, Jurisdiction] = {}
    for (pcode, pname), cities in TREE.items():
        province = nodes[pcode] = _node(pcode, pname, Jurisdiction.Level.PROVINCE, None)
        for (ccode, cname), districts in cities.items():
            city = nodes[ccode] = _node(ccode, cname, Jurisdiction.Level.CITY, province)
            for (dcode, dname), stations in districts.items():
                district = nodes[dcode] = _node(dcode, dname, Jurisdiction.Level.DISTRICT, city)
                for scode, sname in stations:
                    nodes[scode] = _node(scode, sname, Jurisdiction.Level.STATION, district)
                for scode, sname in STREETS.get(dcode, []):
                    nodes[scode] = _node(scode, sname, Jurisdiction.Level.STREET, district)
    return nodes


def seed_accounts(nodes: dict[str, Jurisdiction]) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, role, dept, code, family, given in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username, password=DEMO_PASSWORD, role=role, department=dept,
                jurisdiction=nodes[code] if code else None, last_name=family, first_name=given,
                email=f"{username}@example.cn",
            )
        users[username] = user
    return users


def seed() -> dict[str, object]:
    nodes = seed_jurisdictions()
    return {"nodes": nodes, "users": seed_accounts(nodes)}
