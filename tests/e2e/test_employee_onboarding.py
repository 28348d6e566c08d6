"""Issue 4's walk-through in a real phone-sized browser: a newly registered employee signs
the pledge with a drawn signature, fails the exam once (and sees the explanations), then
passes and becomes active; the officer's coverage list changes accordingly."""

import pytest

from pledges.models import Pledge
from staff.models import Employment
from staff.services import employee_register
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from training.bank import BANK
from training.demo import ensure_papers
from training.models import Attempt, Question

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank(db):
    # Transactional tests flush the database, data migrations included: put back what they installed.
    import importlib

    from pledges.models import PledgeTemplate

    texts = importlib.import_module("pledges.migrations.0002_default_texts_and_immutability")
    defaults = [("venue", "娱乐服务场所禁毒责任状", texts.VENUE), ("employee", "从业人员禁毒责任状", texts.EMPLOYEE)]
    for kind, title, body in defaults:
        if not PledgeTemplate.objects.filter(kind=kind).exists():
            PledgeTemplate.objects.create(kind=kind, version=1, title=title, body=body, term_days=365)
    Question.objects.bulk_create([
        Question(category=c, qtype=t, text=q, options=[{"key": "ABCD"[i], "text": o} for i, o in enumerate(opts)],
                 answer=sorted(a), explanation=e) for c, t, q, opts, a, e in BANK])
    ensure_papers()


def answer_exam(page, correct: bool) -> None:
    attempt = Attempt.objects.filter(submitted_at__isnull=True).latest("id")
    questions = Question.objects.in_bulk([d["q"] for d in attempt.drawn])
    for d in attempt.drawn:
        q = questions[d["q"]]
        keys = q.answer if correct else [k for k in d["order"] if k not in q.answer][:1]
        for k in keys:
            page.check(f"input[name=q_{q.pk}][value={k}]")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_new_employee_signs_pledge_and_passes_exam_on_a_phone(live_server, page_factory, users, venues, bank):
    employment = employee_register(by=users["manager_a"], venue=venues["a"], name="王新", phone="13900000003",
                                   id_number="11010519491231002X")
    officer = page_factory()
    login(officer, live_server.url, "officer_a", PASSWORD)
    officer.goto(f"{live_server.url}/pledges/")
    assert "王新" in officer.content()

    phone = page_factory(phone=True)
    base = f"{live_server.url}/s/{venues['a'].signin_token}"
    phone.goto(f"{base}/pledge/")
    phone.fill("input[name=id_number]", "11010519491231002X")
    phone.fill("input[name=phone]", "13900000003")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    phone.locator("canvas[data-signature]").scroll_into_view_if_needed()
    box = phone.locator("canvas[data-signature]").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    for i in range(1, 12):
        phone.mouse.move(box["x"] + 20 + i * 20, box["y"] + 40 + (i % 3) * 25)
    phone.mouse.up()
    phone.check("input[name=consent]")
    phone.fill("input[name=typed_name]", "王新")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert Pledge.objects.filter(person=employment.person).count() == 1, phone.content()[:2000]
    assert Pledge.objects.get(person=employment.person).signature.read().startswith(b"\x89PNG")

    phone.click("text=参加禁毒知识考试")
    phone.wait_for_load_state("networkidle")
    phone.click("button[type=submit]")  # start
    phone.wait_for_load_state("networkidle")
    answer_exam(phone, correct=False)
    assert "答错的题目" in phone.content()
    employment.refresh_from_db()
    assert employment.status == Employment.Status.PENDING
    phone.click("text=返回")
    phone.wait_for_load_state("networkidle")
    phone.click("button[type=submit]")  # start again
    phone.wait_for_load_state("networkidle")
    answer_exam(phone, correct=True)
    assert "已通过" in phone.content() or "通过" in phone.content()
    employment.refresh_from_db()
    assert employment.status == Employment.Status.ACTIVE
    assert phone.problems == [], phone.problems

    officer.goto(f"{live_server.url}/pledges/")
    assert "王新" not in officer.locator("section.card").last.inner_text()
