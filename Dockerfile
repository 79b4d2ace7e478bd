# Insatskatalogen web image: gunicorn serving Django, static files by whitenoise.
# Builds with nothing but PyPI (the pinned runtime requirements); no compilers, no downloads.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/static_root \
    SEARCH_INDEX_DIR=/data/index \
    WEB_CONCURRENCY=3 \
    BIND=0.0.0.0:8000

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. pip and setuptools are
# upgraded first: the base image's setuptools carries known vulnerabilities.
COPY requirements.txt ./
RUN pip install --upgrade pip setuptools \
    && pip install -r requirements.txt

COPY . .

# Static files are collected (and compressed, with hashed names) into the image; the secret key
# and the folders here only let the settings load for this step and are not kept. The app's own
# folders (database, index: pickles that the workers load) are private to the app user, and the
# entry point sets umask 077 so that what it creates there at run time is private too.
RUN SECRET_KEY=collectstatic-only DEBUG=0 VAR_DIR=/tmp/build SEARCH_INDEX_DIR=/tmp/build/index \
        python manage.py collectstatic --noinput -v0 \
    && rm -rf /tmp/build \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/index /app/var \
    && chown app:app /data/index /app/var \
    && chmod 0700 /data/index /app/var

USER app
EXPOSE 8000
VOLUME ["/data/index"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
