# Production image: gunicorn serving Django (static files through WhiteNoise), also used
# for the Celery worker and beat containers (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

COPY . .
# collectstatic needs settings, not secrets or services: build-time placeholders only
# (nothing connects to a database or Redis here; the containers get the real URLs).
RUN DEBUG=0 SECRET_KEY=build-only-placeholder ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build-only-placeholder@localhost/daodao REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && useradd --system --home /app daodao \
 && mkdir -p /app/media && chown daodao /app/media

USER daodao
EXPOSE 8000
CMD ["gunicorn", "daodao.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--forwarded-allow-ips", "*", "--access-logfile", "-"]
