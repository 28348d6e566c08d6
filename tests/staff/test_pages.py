import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEvent
from staff.models import Employment, Person, VenueDay
from staff.services import signin_record

from .conftest import make_id, make_phone


def test_list_is_scoped_and_masked(client_for, users, venues, employ):
    employ(venues["a"], 1, name="张一")
    employ(venues["b"], 2, name="王二")
    body = client_for(users["officer_a"]).get(reverse("staff:list")).content.decode()
    assert "张一" in body and "王二" not in body
    assert make_id(1) not in body and make_id(1)[:6] in body and make_phone(1) not in body
    body = client_for(users["manager_a2"]).get(reverse("staff:list")).content.decode()
    assert "张一" not in body
    body = client_for(users["partner_a"]).get(reverse("staff:list")).content.decode()
    assert "张一" in body and make_id(1)[:6] not in body  # partners see no ID numbers at all


def test_list_query_count_is_constant(client_for, users, venues, employ, same_queries):
    for seq in range(1, 3):
        employ(venues["a"], seq)
    client = client_for(users["officer_a"])

    def grow():
        for seq in range(3, 15):
            employ(venues["a" if seq % 2 else "a2"], seq)

    same_queries(lambda: client.get(reverse("staff:list")), grow, expected=7)


def test_search_by_name_phone_and_id_posts_so_nothing_lands_in_the_url(client_for, users, venues, employ):
    employ(venues["a"], 3, name="李三")
    employ(venues["a"], 4, name="赵四")
    client = client_for(users["officer_a"])
    for q in ("李", make_phone(3), make_phone(3)[-4:], make_id(3).lower()):
        body = client.post(reverse("staff:list"), {"q": q}).content.decode()
        assert "李三" in body and "赵四" not in body, q


def test_detail_404_for_outsider_and_other_manager(client_for, users, venues, employ):
    e = employ(venues["a"], 5)
    assert client_for(users["officer_b"]).get(reverse("staff:detail", args=[e.pk])).status_code == 404
    assert client_for(users["manager_a2"]).get(reverse("staff:detail", args=[e.pk])).status_code == 404
    assert client_for(users["manager_a"]).get(reverse("staff:detail", args=[e.pk])).status_code == 200


def test_police_see_history_across_venues(client_for, users, venues, employ):
    from staff.services import employee_register

    employee_register(by=users["admin"], venue=venues["b"], name="流动", id_number=make_id(6), phone=make_phone(6))
    e = employee_register(by=users["admin"], venue=venues["a"], name="流动", id_number=make_id(6),
                          phone=make_phone(6))
    assert "柯桥足浴" in client_for(users["officer_a"]).get(reverse("staff:detail", args=[e.pk])).content.decode()
    assert "柯桥足浴" not in client_for(users["manager_a"]).get(reverse("staff:detail", args=[e.pk])).content.decode()


def test_reveal_only_for_narcotics_and_public_order_officers_and_audited(client_for, users, venues, employ):
    e = employ(venues["a"], 7)
    url = reverse("staff:reveal", args=[e.pk])
    for name in ("partner_a", "assoc_a", "manager_a"):
        assert client_for(users[name]).post(url).status_code == 403
    assert client_for(users["officer_a"]).get(url).status_code == 405
    r = client_for(users["officer_a1"]).post(url)
    assert r.status_code == 200 and make_id(7) in r.content.decode()
    ev = AuditEvent.objects.get(action="id_reveal")
    assert ev.actor == users["officer_a1"] and ev.target_id == str(e.person_id) and ev.ip == "127.0.0.1"
    assert make_id(7) not in str(ev.detail)
    assert client_for(users["officer_b"]).post(url).status_code == 404


def test_export_is_audited_masked_and_refused_to_partners(client_for, users, venues, employ):
    employ(venues["a"], 8)
    r = client_for(users["officer_a"]).get(reverse("staff:export"))
    assert r.status_code == 200 and AuditEvent.objects.filter(action="export").count() == 1
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True) for c in row]
    assert make_id(8) not in cells and make_id(8)[:6] + "********" + make_id(8)[-4:] in cells
    assert client_for(users["partner_a"]).get(reverse("staff:export")).status_code == 403


def test_manager_registers_own_employee_but_not_elsewhere(client_for, users, venues):
    client = client_for(users["manager_a"])
    data = {"name": "新员工", "id_number": make_id(9), "phone": make_phone(9), "position": "服务员"}
    r = client.post(reverse("staff:new", args=[venues["a"].pk]), data)
    assert r.status_code == 302 and Employment.objects.get().venue == venues["a"]
    assert client.post(reverse("staff:new", args=[venues["a2"].pk]), data).status_code == 404
    assert client_for(users["partner_a"]).get(reverse("staff:new", args=[venues["a"].pk])).status_code == 403
    bad = client_for(users["manager_a"]).post(reverse("staff:new", args=[venues["a"].pk]),
                                              {**data, "id_number": make_id(10)[:17] + "Z"})
    assert bad.status_code == 200 and "身份证号" in bad.content.decode()


def test_edit_and_activate_and_end(client_for, users, venues, employ):
    e = employ(venues["a"], 11, active=False)
    client = client_for(users["manager_a"])
    r = client.post(reverse("staff:edit", args=[e.pk]), {"name": "改名", "phone": make_phone(12), "position": "领班"})
    assert r.status_code == 302 and Person.objects.get().name == "改名"
    assert client_for(users["partner_a"]).post(reverse("staff:activate", args=[e.pk]),
                                               {"reason": "x"}).status_code == 403
    client = client_for(users["manager_a"])
    # The onboarding gate: no activation before the exam is passed.
    client.post(reverse("staff:activate", args=[e.pk]), {"reason": "考试通过"})
    e.refresh_from_db()
    assert e.status == "pending"
    from tests.training.conftest import pass_onboarding

    pass_onboarding(e.person, activate=False)
    client.post(reverse("staff:activate", args=[e.pk]), {"reason": "考试通过"})
    e.refresh_from_db()
    assert e.status == "active"
    client.post(reverse("staff:end", args=[e.pk]), {"reason": "离职"})
    e.refresh_from_db()
    assert e.status == "left"


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("staff.xlsx", buf.getvalue())


def test_import_is_all_or_nothing_with_row_errors(client_for, users, venues):
    client = client_for(users["manager_a"])
    url = reverse("staff:import", args=[venues["a"].pk])
    bad = _xlsx([["姓名", "身份证号", "手机号", "岗位"], ["甲", make_id(20), make_phone(20), "服务员"],
                 ["乙", make_id(21)[:17] + "Z", make_phone(21), ""], ["丙", make_id(20), make_phone(22), ""]])
    r = client.post(url, {"file": bad})
    body = r.content.decode()
    assert r.status_code == 200 and Employment.objects.count() == 0 and Person.objects.count() == 0
    assert "<td class=\"num\">3</td>" in body and "<td class=\"num\">4</td>" in body
    csv = ("name,id_number,phone,hired_on\n"
           f"甲,{make_id(20)},{make_phone(20)},2026-01-05\n乙,{make_id(21)},{make_phone(21)},\n").encode()
    r = client.post(url, {"file": SimpleUploadedFile("staff.csv", csv)})
    assert r.status_code == 302 and Employment.objects.filter(venue=venues["a"]).count() == 2
    assert AuditEvent.objects.filter(action="employee_import").count() == 1


def test_venue_signins_page_and_close_day(client_for, users, venues, employ):
    employ(venues["a"], 30)
    signin_record(venue=venues["a"], id_number=make_id(30), phone=make_phone(30))
    url = reverse("staff:venue_signins", args=[venues["a"].pk])
    body = client_for(users["officer_a"]).get(url).content.decode()
    assert "<svg" in body and "员工30" in body
    assert client_for(users["officer_b"]).get(url).status_code == 404
    assert client_for(users["partner_a"]).post(url, {"day": "2026-01-01", "reason": "x"}).status_code == 403
    r = client_for(users["manager_a"]).post(url, {"day": "2026-10-01", "reason": "国庆休业"})
    assert r.status_code == 302 and VenueDay.objects.get(day="2026-10-01").closed


def test_venue_panel_and_dashboard_panel(client_for, users, venues, employ):
    employ(venues["a"], 31)
    signin_record(venue=venues["a"], id_number=make_id(31), phone=make_phone(31))
    body = client_for(users["officer_a"]).get(reverse("venues:detail", args=[venues["a"].pk])).content.decode()
    assert "staff-chart" in body
    body = client_for(users["officer_a"]).get(reverse("home")).content.decode()
    assert "staff/" in body


def test_write_pages_answer_404_out_of_scope_and_403_read_only(client_for, users, venues, employ):
    e = employ(venues["a"], 40)
    urls = [reverse("staff:edit", args=[e.pk]), reverse("staff:new", args=[venues["a"].pk]),
            reverse("staff:import", args=[venues["a"].pk])]
    for url in urls:
        assert client_for(users["officer_b"]).get(url).status_code == 404, url
        assert client_for(users["manager_a2"]).get(url).status_code == 404, url
        assert client_for(users["assoc_a"]).get(url).status_code == 403, url
        assert client_for(users["manager_a"]).get(url).status_code == 200, url
    for name in ("activate", "end", "correct"):
        url = reverse(f"staff:{name}", args=[e.pk])
        assert client_for(users["officer_b"]).post(url, {"reason": "x"}).status_code == 404
        assert client_for(users["partner_a"]).post(url, {"reason": "x"}).status_code == 403


def test_correction_is_a_separate_record(client_for, users, venues, employ):
    from django.utils import timezone

    from staff.models import SignIn, SignInCorrection

    e = employ(venues["a"], 41)
    r = signin_record(venue=venues["a"], id_number=make_id(41), phone=make_phone(41))
    client = client_for(users["manager_a"])
    client.post(reverse("staff:correct", args=[e.pk]),
                {"day": timezone.localdate().isoformat(), "kind": "void", "reason": "代签"})
    c = SignInCorrection.objects.get()
    assert c.signin_id == r.signin.pk and c.reason == "代签" and SignIn.objects.count() == 1
    assert AuditEvent.objects.filter(action="signin_correct").count() == 1


def test_venue_signins_page_shows_refused_attempts(client_for, users, venues):
    from staff.identify import SignInRefused

    with pytest.raises(SignInRefused):
        signin_record(venue=venues["a"], id_number=make_id(50), phone=make_phone(50))
    body = client_for(users["officer_a"]).get(reverse("staff:venue_signins", args=[venues["a"].pk])).content.decode()
    assert "今日被拒签到" in body and "未登记人员 1" in body


def test_import_template_is_an_xlsx_for_the_venue_only(client_for, users, venues):
    url = reverse("staff:import_template", args=[venues["a"].pk])
    response = client_for(users["manager_a"]).get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == ["姓名", "身份证号", "手机号", "岗位", "入职日期"]
    assert client_for(users["manager_a2"]).get(url).status_code == 404
    assert client_for(users["officer_b"]).get(url).status_code == 404


def test_venue_filter_lists_only_visible_venues_and_keeps_the_choice(client_for, users, venues):
    """The filter's options are the reader's venues (escaped), the chosen one stays selected."""
    venues["a2"].name = '府山<酒吧>"'
    venues["a2"].save()
    client = client_for(users["officer_a"])
    body = client.get(reverse("staff:list"), {"venue": str(venues["a"].pk)}).content.decode()
    assert f'<option value="{venues["a"].pk}" selected>越城KTV</option>' in body
    assert f'<option value="{venues["a2"].pk}">府山&lt;酒吧&gt;&quot;</option>' in body
    assert f'value="{venues["b"].pk}"' not in body  # another district's venue
    body = client_for(users["manager_a2"]).get(reverse("staff:list")).content.decode()
    assert f'value="{venues["a"].pk}"' not in body and f'value="{venues["a2"].pk}"' in body


def test_a_city_wide_reader_filters_by_venue_name_instead_of_a_list(client_for, users, venues, monkeypatch):
    """Past a few hundred venues the filter is a name search (a city's 3,000 are no list to
    pick from); the search narrows the list and the export, and the scope still holds."""
    from daodao.identifiers import id_check_char
    from staff.services import employee_register
    from staff.views import employees as employee_views

    monkeypatch.setattr(employee_views, "VENUE_PICK_MAX", 1)
    for v, first17, name in ((venues["a"], "33060219900101001", "张一"), (venues["a2"], "33060219900202001", "李二"),
                             (venues["b"], "33060319900303001", "王三")):
        employee_register(venue=v, by=users["officer_a"] if v != venues["b"] else users["officer_b"],
                          name=name, id_number=first17 + id_check_char(first17), phone="13900000000")
    client = client_for(users["officer_a"])
    page = client.get(reverse("staff:list"), {"venue_name": "府山"})
    body = page.content.decode()
    assert 'name="venue_name"' in body and '<select name="venue">' not in body
    assert [e.person.name for e in page.context["rows"]] == ["李二"]
    assert [e.person.name for e in client.get(reverse("staff:list"), {"venue_name": "柯桥"}).context["rows"]] == []
