import pytest

from ratings import sources
from ratings.data_sources import DATA_SOURCES


@pytest.fixture(autouse=True)
def only_fake_sources():
    """Engine tests feed the rules through fake sources: take the real ones (pledges,
    training, inspections…) out of the registry for the test, and put them back after."""
    saved = (dict(sources.SOURCES), dict(sources.HISTORY), list(sources.PLAN_CREATORS))
    for code in DATA_SOURCES:
        sources.SOURCES.pop(code, None)
    sources.HISTORY.clear()
    sources.PLAN_CREATORS.clear()
    yield
    sources.SOURCES.clear()
    sources.SOURCES.update(saved[0])
    sources.HISTORY.clear()
    sources.HISTORY.update(saved[1])
    sources.PLAN_CREATORS[:] = saved[2]


@pytest.fixture
def real_sources(only_fake_sources):
    from ratings.data_sources import register_all

    register_all()
