"""Undercover visits do not exist for the venue until disclosed — on every page, panel and
endpoint a manager can reach — and every page answers 404 to outsiders."""

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Inspection
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db

SECRET = "暗访发现前台登记不严"


@pytest.fixture
def undercover(users, venues):
    return services.inspection_record(
        venue=venues["a"], by=users["officer_a"], type=Inspection.Type.UNDERCOVER, outcome="no_problem",
        departments=["narcotics"], summary=SECRET, findings=[services.FindingInput("暗访问题", "high")],
    )


@pytest.fixture
def planned(users, venues):
    return services.inspection_plan(venue=venues["a"], by=users["officer_a"], type="surprise",
                                    planned_for="2030-01-01")


def manager_pages(venue, inspection):
    return [
        reverse("venues:detail", args=[venue.pk]), reverse("home"), reverse("inspections:board"),
        reverse("inspections:self", args=[venue.pk]),
    ]


def test_undercover_and_plans_are_invisible_to_the_venue(client_for, api_for, users, venues, undercover, planned):
    client = client_for(users["manager_a"])
    for url in manager_pages(venues["a"], undercover):
        body = client.get(url).content.decode()
        assert SECRET not in body and "暗访问题" not in body and "2030" not in body, url
    for pk in (undercover.pk, planned.pk):
        assert client.get(reverse("inspections:detail", args=[pk])).status_code == 404
    api = api_for(users["manager_a"])
    assert api.get("/api/v1/inspections/").json()["count"] == 0
    assert api.get(f"/api/v1/inspections/{undercover.pk}/").status_code == 404
    assert api.get("/api/v1/rectifications/").json()["count"] == 0
    # Association staff and partner inspectors of the same area do not see it either.
    for who in ("assoc_a", "partner_a"):
        assert api_for(users[who]).get("/api/v1/inspections/").json()["count"] == 0
        assert client_for(users[who]).get(reverse("inspections:detail", args=[undercover.pk])).status_code == 404


def test_disclosure_makes_it_visible_to_the_venue(client_for, api_for, users, venues, undercover):
    services.inspection_disclose(inspection=undercover, by=users["officer_a"])
    api = api_for(users["manager_a"])
    assert api.get(f"/api/v1/inspections/{undercover.pk}/").status_code == 200
    page = client_for(users["manager_a"]).get(reverse("venues:detail", args=[venues["a"].pk]))
    assert "暗访问题" in page.content.decode()


def test_police_see_undercover(client_for, users, undercover):
    body = client_for(users["officer_a"]).get(reverse("inspections:detail", args=[undercover.pk])).content.decode()
    assert SECRET in body


@pytest.fixture
def order(users, venues):
    insp = services.inspection_record(venue=venues["a"], by=users["officer_a"], type="surprise",
                                      outcome="rectification", findings=[services.FindingInput("锡纸", "high")])
    return services.rectification_issue(finding=insp.findings.get(), by=users["officer_a"])


@pytest.mark.parametrize("who", ["officer_b", "manager_a2"])
def test_outsiders_get_404(client_for, api_for, users, venues, order, who):
    client = client_for(users[who])
    insp = order.finding.inspection
    for url in [reverse("inspections:detail", args=[insp.pk]), reverse("inspections:order", args=[order.pk]),
                reverse("inspections:self", args=[venues["a"].pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("inspections:order_act", args=[order.pk, "accept"])).status_code == 404
    assert client.post(reverse("inspections:order_issue", args=[order.finding_id])).status_code == 404
    api = api_for(users[who])
    assert api.get(f"/api/v1/rectifications/{order.pk}/").status_code == 404
    assert api.post(f"/api/v1/rectifications/{order.pk}/accept/", {}, format="json").status_code == 404


def test_read_only_colleague_gets_403_on_writes(client_for, api_for, users, venues, order):
    # The fire inspector sees the venue but did not take part: the order is not theirs to see.
    assert client_for(users["partner_a"]).get(reverse("inspections:order", args=[order.pk])).status_code == 404
    # The manager sees the order but may not verify it.
    api = api_for(users["manager_a"])
    assert api.post(f"/api/v1/rectifications/{order.pk}/accept/", {}, format="json").status_code == 403
    # An officer may not submit the venue's evidence.
    resp = api_for(users["officer_a"]).post(f"/api/v1/rectifications/{order.pk}/submit/",
                                            {"note": "x"}, format="json")
    assert resp.status_code in (400, 403)


def test_police_only_pages_are_404_for_venues(client_for, users, venues):
    client = client_for(users["manager_a"])
    for url in [reverse("inspections:plan"), reverse("inspections:calendar"), reverse("inspections:tasks"),
                reverse("inspections:plan_new"), reverse("inspections:interview_new") + f"?venue={venues['a'].pk}"]:
        assert client.get(url).status_code == 404, url


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_full_flow_through_the_pages(users, venues, checklists):
    officer = _client(users["officer_a"])
    resp = officer.post(reverse("inspections:record_new") + f"?venue={venues['a'].pk}", {
        "venue": venues["a"].pk, "type": "surprise", "departments": ["narcotics"], "outcome": "rectification",
        "people_tested": 4, "positives": 0, "summary": "突击检查",
        "finding_1": "包厢发现吸管", "severity_1": "high", "finding_2": "监控损坏", "severity_2": "medium",
    })
    assert resp.status_code == 302, resp.content.decode()[:3000]
    insp = Inspection.objects.get()
    assert insp.findings.count() == 2
    for f in insp.findings.all():
        assert officer.post(reverse("inspections:order_issue", args=[f.pk]), {"requirement": "", "deadline": ""}
                            ).status_code == 302
    order = insp.findings.first().order
    manager = _client(users["manager_a"])
    assert "包厢发现吸管" in manager.get(reverse("inspections:board")).content.decode()
    pic = png_upload("e.png")
    manager.post(reverse("inspections:order_act", args=[order.pk, "submit"]), {"note": "已清理", "photos": [pic]})
    officer.post(reverse("inspections:order_act", args=[order.pk, "reject"]), {"reason": "不彻底"})
    pic2 = png_upload("f.png")
    manager.post(reverse("inspections:order_act", args=[order.pk, "submit"]), {"note": "再次清理", "photos": [pic2]})
    officer.post(reverse("inspections:order_act", args=[order.pk, "accept"]), {"note": "合格"})
    order.refresh_from_db()
    assert order.status == "closed"
    assert officer.get(reverse("inspections:order", args=[order.pk])).status_code == 200


def test_self_inspection_page(client_for, users, venues, checklists):
    client = client_for(users["manager_a"])
    url = reverse("inspections:self", args=[venues["a"].pk])
    assert client.get(url).status_code == 200
    items = list(checklists["self"].items.all())
    data = {f"item_{i.pk}": "pass" for i in items}
    data[f"item_{items[0].pk}"] = "fail"
    assert client.post(url, data).status_code == 302
    assert venues["a"].self_inspections.get().failed_items == 1
    assert client_for(users["officer_a"]).get(url).status_code == 403


@pytest.mark.parametrize(("name", "expected"), [("inspections:board", 5), ("inspections:plan", 10),
                                              ("inspections:calendar", 6)])
def test_list_pages_have_constant_query_counts(client_for, users, venues, same_queries, name, expected):
    def add(n):
        for _ in range(n):
            insp = services.inspection_record(venue=venues["a"], by=users["officer_a"], type="routine",
                                              outcome="rectification", findings=[services.FindingInput("x", "low")])
            services.rectification_issue(finding=insp.findings.get(), by=users["officer_a"])
            services.inspection_plan(venue=venues["a2"], by=users["officer_a"], type="routine",
                                     planned_for="2030-01-02")

    add(1)
    client = client_for(users["officer_a"])
    same_queries(lambda: client.get(reverse(name)), lambda: add(7), expected=expected)


def test_printable_rectification_notice_numbered_per_district_and_year(client_for, users, venues):
    """整改通知书: the officer and the venue print it; the numbers count per district and year;
    another district's officer, another venue's manager and association staff get 404."""
    from inspections import services as s
    from inspections.models import Inspection

    def order_at(venue):
        finding = s.inspection_record(
            venue=venue, by=users["officer_a"] if venue != venues["b"] else users["officer_b"],
            type=Inspection.Type.SURPRISE, outcome=Inspection.Outcome.RECTIFICATION, departments=["narcotics"],
            findings=[s.FindingInput("消防通道堵塞", "medium")]).findings.get()
        return s.rectification_issue(finding=finding, by=users["officer_a"] if venue != venues["b"]
                                     else users["officer_b"])

    first, other_district, second = order_at(venues["a"]), order_at(venues["b"]), order_at(venues["a2"])
    url = reverse("inspections:order_notice", args=[second.pk])
    page = client_for(users["officer_a"]).get(url)
    year = second.issued_on.year
    assert page.status_code == 200 and f"越城区〔{year}〕第 2 号" in page.content.decode()
    assert "府山酒吧" in page.content.decode() and "消防通道堵塞" in page.content.decode()
    b = client_for(users["officer_b"]).get(reverse("inspections:order_notice", args=[other_district.pk]))
    assert f"柯桥区〔{year}〕第 1 号" in b.content.decode()
    assert client_for(users["manager_a"]).get(reverse("inspections:order_notice", args=[first.pk])).status_code == 200
    for who in ("officer_b", "manager_a", "assoc_a"):
        assert client_for(users[who]).get(url).status_code == 404, who


def test_interview_record_prints_for_police_only(client_for, users, venues):
    from django.utils import timezone

    from inspections import services as s

    iv = s.interview_record(venue=venues["a"], by=users["officer_a"], attendee="张经理", reason="other",
                            held_on=timezone.localdate(), summary="约谈自查缺失")
    url = reverse("inspections:interview", args=[iv.pk])
    html = client_for(users["officer_a"]).get(url).content.decode()
    assert "约谈记录" in html and "data-print" in html and "张经理" in html and "officer_a" not in html
    for who in ("officer_b", "manager_a", "assoc_a", "partner_a"):
        assert client_for(users[who]).get(url).status_code == 404, who


def test_planned_list_pages_keep_the_other_list_and_the_filters(client_for, users, venues):
    for day in range(55):
        services.inspection_plan(venue=venues["a2"], by=users["officer_a"], type="routine",
                                 planned_for=f"2030-01-{day % 28 + 1:02d}" if day < 28 else f"2030-02-{day - 27:02d}")
    body = client_for(users["officer_a"]).get(reverse("inspections:plan"), {"page": "2", "mine": ""}).content.decode()
    assert "ppage=2" in body and "page=2&amp;ppage=2" in body.replace("mine=&amp;", "")
