# Golive web, worker and beat image: one image, the command picks the role (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    GOLIVE_VAR_DIR=/app/var \
    DEBUG=false \
    WEB_CONCURRENCY=2

# A fixed, unprivileged uid so volume ownership is predictable across rebuilds.
RUN groupadd --system --gid 10001 golive \
    && useradd --system --uid 10001 --gid golive --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin golive

# Dependencies first, so code changes reuse this layer. Every wheel is pinned by hash.
COPY requirements/base.lock /tmp/base.lock
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --require-hashes -r /tmp/base.lock \
    && rm /tmp/base.lock

WORKDIR /app
# Code stays owned by root: the app user can read it but not change it.
COPY . /app
# var/ is the only place the app writes: static files (built below) and beat's schedule,
# which docker-compose mounts as a volume at var/celery (a fresh named volume takes this
# directory's owner, so beat can write to it).
RUN mkdir -p /app/var/celery /app/var/imports && chown -R golive:golive /app/var

USER golive

# Static files are built into the image (whitenoise serves them, hashed and compressed).
# The keys here exist only for this build step and are not kept in any layer's environment;
# memory:// stops the settings from creating the filesystem broker's folders.
RUN DEBUG=false \
    SECRET_KEY=build-only-secret-key-never-used-at-runtime-0123456789abcdef \
    PSEUDONYMISATION_KEY=build-only-pseudonymisation-key-never-used-at-runtime \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput

EXPOSE 8000

# Workers come from WEB_CONCURRENCY (gunicorn reads it; default 2 above). /dev/shm keeps
# gunicorn's worker heartbeat files off the container's overlay filesystem; the control
# socket (gunicorn 25.1+) is off because the app user has no writable home and containers
# are scaled and restarted by compose, not by gunicornc.
CMD ["gunicorn", "golive.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
