#!/usr/bin/env bash
# A Celery worker and its beat scheduler, plus an optional command (the web server for
# `make run`), as one process group: when any of them ends (Ctrl+C, kill, even kill -9 of
# the worker) the others are stopped with it, so no beat is left behind still scheduling.
# Beat runs as its own process (not `worker --beat`, whose embedded beat outlives a killed
# worker) and holds a pidfile under var/celery: a second beat refuses to start.
# The script returns only once every process it started has ended: a worker finishing its
# task (warm shutdown) is waited for, up to STOP_GRACE_SECONDS, then killed.
#
#   scripts/run_worker.sh [command ...]
#   (CELERY, LOGLEVEL, GOLIVE_VAR_DIR, STOP_GRACE_SECONDS from the environment)

# `wait -n` needs bash 4.3 or later (macOS ships 3.2). Plain sh syntax up to here, so even
# `sh scripts/run_worker.sh` gets this message rather than a syntax error.
case ${BASH_VERSION:-} in
[5-9].* | [1-9][0-9].* | 4.[3-9]* | 4.[1-9][0-9]*) ;;
*)
	echo "run_worker.sh needs bash 4.3 or later; this is ${BASH_VERSION:-not bash}." >&2
	echo "Install a newer bash (on macOS: brew install bash) and run it with that." >&2
	exit 2
	;;
esac

set -u
celery=${CELERY:-.venv/bin/celery}
loglevel=${LOGLEVEL:-WARNING}
grace=${STOP_GRACE_SECONDS:-30}
run_dir=${GOLIVE_VAR_DIR:-var}/celery
mkdir -p "$run_dir"

any_running() {
	local pid
	for pid in "$@"; do
		if kill -0 "$pid" 2>/dev/null; then
			return 0
		fi
	done
	return 1
}

# Stop the whole group once, whatever ends first, then wait for it.
stop() {
	# The TERM sent to the group below is for the children: this shell ignores it (and a
	# second Ctrl+C) so that it lives on to wait for them.
	trap '' INT TERM
	trap - EXIT
	local pids
	pids=$(jobs -p)
	kill -TERM 0 2>/dev/null
	local ticks=$((grace * 5))
	while [ "$ticks" -gt 0 ] && any_running $pids; do
		sleep 0.2
		ticks=$((ticks - 1))
	done
	for pid in $pids; do
		if kill -0 "$pid" 2>/dev/null; then
			echo "run_worker.sh: process $pid still running after ${grace}s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	wait
	exit "$1"
}
trap 'stop 130' INT
trap 'stop 143' TERM
trap 'stop $?' EXIT

"$celery" -A golive beat --pidfile "$run_dir/beat.pid" --loglevel "$loglevel" &
"$celery" -A golive worker --pool solo --concurrency 1 --without-mingle --without-gossip \
	--loglevel "$loglevel" &
if [ $# -gt 0 ]; then
	"$@" &
fi
wait -n
status=$?
echo "run_worker.sh: a process ended (exit status $status); stopping the others" >&2
stop "$status"
