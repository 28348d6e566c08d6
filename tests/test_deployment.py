"""The production description stays consistent with the code (no Docker engine runs in CI)."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "pgbouncer", "redis", "web", "worker", "worker-heavy", "beat"}
    for name in ("web", "worker", "worker-heavy", "beat"):
        env = services[name]["environment"]
        assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(env)
        assert env["DEBUG"] == "0"
        # The app talks to PgBouncer in transaction pooling, with server-side cursors off.
        assert "@pgbouncer:" in env["DATABASE_URL"] and env["DATABASE_TRANSACTION_POOLING"] == "1"
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    web = " ".join(services["web"]["command"])
    # "$$": compose hands the shell one "$"; migrations go to PostgreSQL directly, not PgBouncer.
    assert "daodao.wsgi:application" in web and "DATABASE_URL=$$MIGRATE_DATABASE_URL python manage.py migrate" in web
    assert "@db:" in services["web"]["environment"]["MIGRATE_DATABASE_URL"]
    queues = {name: services[name]["command"][services[name]["command"].index("-Q") + 1]
              for name in ("worker", "worker-heavy")}
    assert queues == {"worker": "quick", "worker-heavy": "heavy"}
    assert services["beat"]["command"][3] == "beat"


def test_heavy_jobs_go_to_the_heavy_queue_and_the_rest_to_quick():
    from daodao.celery import app

    app.loader.import_default_modules()

    def queue(task: str) -> str:
        return app.amqp.router.route({}, task)["queue"].name

    for task in ("staff.detect_signin_anomalies", "ratings.refresh_standings", "reports.build_monthly_reports",
                 "dashboard.warm_home", "staff.maintain_signin_partitions", "audit.maintain_partitions"):
        assert queue(task) == "heavy", task
    for entry in app.conf.beat_schedule.values():
        if entry["task"] not in {"staff.detect_signin_anomalies", "ratings.refresh_standings", "ratings.close_periods",
                                 "reports.build_monthly_reports", "dashboard.warm_home",
                                 "staff.maintain_signin_partitions", "audit.maintain_partitions"}:
            assert queue(entry["task"]) == "quick", entry["task"]


def test_transaction_pooling_turns_server_side_cursors_off(monkeypatch):
    import importlib

    import daodao.settings as live

    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "1")
    try:
        pooled = importlib.reload(live)
        assert pooled.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    finally:
        monkeypatch.delenv("DATABASE_TRANSACTION_POOLING")
        importlib.reload(live)


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
    from kombu import Connection

    from daodao.cache import RedisCache

    cache = RedisCache(url, {"KEY_PREFIX": "daodao-test"})
    cache.set("ping", "pong", 5)
    assert cache.get("ping") == "pong"
    cache.delete("n")
    assert cache.add("n", 1, 5) and not cache.add("n", 1, 5) and cache.incr("n") == 2
    assert cache.get_many(["ping", "n"]) == {"ping": "pong", "n": 2}
    assert cache._cache.get_client() is cache._cache.get_client()  # one client per pool
    with Connection(url) as conn:
        conn.ensure_connection(max_retries=2)


def test_docker_build_step_loads_production_settings():
    """The image's build-time collectstatic runs with DEBUG off: its placeholders must
    satisfy the settings that refuse to start without a database and Redis."""
    import re
    import subprocess
    import sys

    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    run = next(line for line in text.splitlines() if line.startswith("RUN") and "collectstatic" in line)
    env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", run.split("python manage.py")[0]))
    assert env["DEBUG"] == "0" and "DAODAO_ALLOW_SQLITE" not in env
    out = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,  # noqa: S603 — our own interpreter
                         env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr


def test_compose_passes_the_trusted_proxy_count():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "DAODAO_TRUSTED_PROXIES" in compose["services"]["web"]["environment"]
