"""The production description stays consistent with the code (no Docker engine runs in CI)."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(env)
        assert env["DEBUG"] == "0"
    assert "daodao.wsgi:application" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:3] == ["celery", "-A", "daodao"]
    assert services["beat"]["command"][3] == "beat"


def test_celery_app_and_beat_tasks_exist():
    from daodao.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_redis_broker_and_cache_are_reachable():
    """make test runs against Redis: the broker and cache URLs the settings build must work."""
    import os

    import pytest

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set")
    from django.core.cache.backends.redis import RedisCache
    from kombu import Connection

    cache = RedisCache(url, {"KEY_PREFIX": "daodao-test"})
    cache.set("ping", "pong", 5)
    assert cache.get("ping") == "pong"
    with Connection(url) as conn:
        conn.ensure_connection(max_retries=2)
