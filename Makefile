# DaoDao: two commands. `make demo` runs the app on SQLite with demo data; `make test`
# runs the whole suite on PostgreSQL and Redis. Both install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/daodao
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0

.PHONY: install demo test test-quick lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo runs on the embedded SQLite file with no other service: no DATABASE_URL,
# no REDIS_URL (Celery tasks then run eagerly in-process).
demo: install
	env -u DATABASE_URL -u REDIS_URL DEBUG=1 $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
		$(BIN)/python manage.py seed_demo
	@echo "DaoDao demo on http://$(HOST):$(PORT)/ : log in as officer_yc / Daodao@2026 (README lists every account)"
	env -u DATABASE_URL -u REDIS_URL DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=daodao.test_settings $(BIN)/mypy

test: install lint
	DJANGO_SETTINGS_MODULE=daodao.test_settings DAODAO_ALLOW_SQLITE=1 DATABASE_URL=sqlite:///$(CURDIR)/.makemigrations-check.sqlite3 \
		$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Local runs: no install, no lint, and the test database kept between runs (--reuse-db).
# After adding a migration, run once with PYTEST_ARGS="--create-db ...".
test-quick:
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest --reuse-db $(PYTEST_ARGS)

# Translations live per app (<app>/locale) plus locale/ for the shared templates. After
# changing UI strings: `make messages`, fill the new msgstr entries, `make messages` again.
# Compiled .mo files are committed, so no machine needs gettext to run the app.
APPS := $(patsubst %/apps.py,%,$(wildcard */apps.py))
messages: install
	for app in $(APPS); do (cd $$app && mkdir -p locale && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location); done
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location $(foreach a,$(APPS),-i "$(a)/*") -i ".venv/*" -i "tests/*" -i "bench/*"
	for app in $(APPS); do (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py compilemessages); done

bench: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
