#!/usr/bin/env bash
# A Celery worker and its beat scheduler, plus an optional command (the web server for
# `make run`), as one process group: when any of them ends (Ctrl+C, kill, even kill -9 of
# the worker) the others are stopped with it, so no beat is left behind still scheduling.
# Beat runs as its own process (not `worker --beat`, whose embedded beat outlives a killed
# worker) and holds a pidfile under var/celery: a second beat refuses to start.
#
#   scripts/run_worker.sh [command ...]      (CELERY, LOGLEVEL, GOLIVE_VAR_DIR from the env)
set -u
celery=${CELERY:-.venv/bin/celery}
loglevel=${LOGLEVEL:-WARNING}
run_dir=${GOLIVE_VAR_DIR:-var}/celery
mkdir -p "$run_dir"

# Stop the whole group once, whatever ends first (kill 0 signals this shell too).
trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT

"$celery" -A golive beat --pidfile "$run_dir/beat.pid" --loglevel "$loglevel" &
"$celery" -A golive worker --pool solo --concurrency 1 --without-mingle --without-gossip \
	--loglevel "$loglevel" &
if [ $# -gt 0 ]; then
	"$@" &
fi
wait -n
echo "run_worker.sh: a process ended (exit status $?); stopping the others" >&2
