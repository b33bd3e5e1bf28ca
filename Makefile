# The two commands a newcomer needs: `make run` and `make test`. See README.md.
.PHONY: run test lint format bench bench-api messages clean

run:  ## the portal with demo data on SQLite, a Celery worker and beat, on 127.0.0.1:8000
	@scripts/run

test:  ## the whole test suite (PostgreSQL when DATABASE_URL points at it, else SQLite)
	@scripts/test

lint:
	@scripts/bootstrap && .venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@scripts/bootstrap && .venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench:  ## needs DATABASE_URL=postgres://…; see bench/README.md
	@scripts/bootstrap && .venv/bin/python bench/load_demo.py

bench-api:  ## issue 5: POST /api/v1/tickets/ against a trivial view and a minimal insert (needs wrk)
	@scripts/bootstrap && .venv/bin/python bench/api_create.py

messages:  ## refresh and compile the translations (needs GNU gettext)
	@# Sorted, without source locations: branches that add strings merge without conflicts.
	@scripts/bootstrap && DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l zh_Hans --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*' \
	  && msgcat --sort-output --no-location -o locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po \
	  && DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf var/
