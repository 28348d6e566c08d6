import pytest
from django.utils import timezone, translation

from training.models import Attempt, Paper


def pass_onboarding(person, activate: bool = True) -> Attempt:
    """A passed onboarding attempt, made directly (for tests about what follows a pass)."""
    from training.demo import ensure_papers

    ensure_papers()
    now = timezone.now()
    attempt = Attempt.objects.create(paper=Paper.objects.get(code="onboarding"), person=person, started_at=now,
                                     day=timezone.localdate(now), deadline_at=now, drawn=[], submitted_at=now,
                                     score=100, passed=True)
    if activate:
        from training.services import _activate_pending

        _activate_pending(person.pk)
    return attempt


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
