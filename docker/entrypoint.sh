#!/usr/bin/env bash
# Entry point of the Insatskatalogen image (and usable outside Docker from a checkout).
#   init              migrate; import the bundled report when the database holds no report yet
#   web               build the search index if this node has none, then serve with gunicorn
#   manage ARGS...    python manage.py ARGS...
#   anything else     run as given
# Environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, SECURE_SSL, SEARCH_INDEX_DIR,
# WEB_CONCURRENCY (gunicorn workers, default 3), BIND (default 0.0.0.0:8000),
# REPORT (the report to import on an empty database), GUNICORN_TIMEOUT (seconds, default 30),
# GC_FREEZE (0: a worker never freezes its heap; config/gunicorn.conf.py).
set -euo pipefail
cd "$(dirname "$0")/.."
# Whatever the app creates (SQLite database, search index, secret key) is its user's alone.
umask 077

REPORT="${REPORT:-fixtures/tabellbilaga-regionalt-utvecklingsarbete-2023.txt}"

database_has_report() {
    python manage.py shell -v0 -c \
        "import sys; from catalogue.models import Report; sys.exit(0 if Report.objects.exists() else 1)"
}

index_exists() {
    python manage.py shell -v0 -c \
        "import sys; from catalogue import search; sys.exit(0 if search.index_exists() else 1)"
}

command="${1:-web}"
case "$command" in
    init)
        python manage.py migrate --noinput
        if database_has_report; then
            echo "entrypoint: the database already holds a report; nothing to import."
        else
            echo "entrypoint: empty database; importing $REPORT"
            python manage.py import_report "$REPORT"
        fi
        ;;
    web)
        # Each node keeps its own index (a folder on local disk or a volume); build it if missing.
        if ! index_exists; then
            echo "entrypoint: no search index in ${SEARCH_INDEX_DIR:-var/index}; building it"
            python manage.py rebuild_index
        fi
        exec gunicorn config.wsgi \
            --config config/gunicorn.conf.py \
            --bind "${BIND:-0.0.0.0:8000}" \
            --workers "${WEB_CONCURRENCY:-3}" \
            --timeout "${GUNICORN_TIMEOUT:-30}" \
            --no-control-socket \
            --access-logfile - \
            --error-logfile -
        ;;
    manage)
        shift
        exec python manage.py "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
