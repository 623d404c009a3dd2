#!/usr/bin/env bash
# stop-slurm.sh - stop the Slurm cluster started by start-slurm.sh (also the
# slurmds of the extra nodes of SLURM_TEST_NODES >= 2, pids/slurmd-<node>.pid).
#
# Only the PIDs recorded in $SLURM_TEST_BASE/pids/<name>.pid are signalled, and
# only while that PID still is a process of that name (guards against PID
# reuse). Nothing is ever killed by name.
#
# Before the daemons stop, jobs still known to our slurmctld are cancelled with
# scancel so that no job processes outlive the cluster.
#
# Usage: stop-slurm.sh [--clean] [--keep-jobs]
#   --clean      also delete the cluster state (jobs, accounting DB, logs)
#   --keep-jobs  do not scancel running jobs first
set -uo pipefail

BASE=${SLURM_TEST_BASE:-/var/spool/slurm-test}
PIDS=$BASE/pids
CLEAN=0
KEEP_JOBS=0
for arg in "$@"; do
  case "$arg" in
    --clean) CLEAN=1 ;;
    --keep-jobs) KEEP_JOBS=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "stop-slurm.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
case "$BASE" in /|"") echo "refusing SLURM_TEST_BASE='$BASE'" >&2; exit 1 ;; esac

log() { echo "[stop-slurm] $*"; }

[ -d "$BASE" ] || { log "nothing to stop ($BASE does not exist)"; exit 0; }
exec 9> "$BASE/.lock"
flock -w 600 9 || { log "could not lock $BASE/.lock"; exit 1; }

pid_of() { # NAME [COMM]: prints the recorded pid if it is alive and still named COMM
  local f=$PIDS/$1.pid comm=${2:-$1} pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' < "$f")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  echo "$pid"
}

stop_one() { # NAME [COMM]
  local name=$1 comm=${2:-$1} pid i
  if pid=$(pid_of "$name" "$comm"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || break
      sleep 0.2
    done
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; then
      log "$name (pid $pid) still alive after 20s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
      sleep 0.5
    fi
  elif [ -f "$PIDS/$name.pid" ]; then
    log "$name: recorded pid $(cat "$PIDS/$name.pid" 2>/dev/null) is not running (stale pid file)"
  fi
  rm -f "$PIDS/$name.pid"
}

# Cancel the jobs of our cluster first, while slurmctld and slurmd still run.
if [ "$KEEP_JOBS" = 0 ] && pid_of slurmctld >/dev/null && command -v squeue >/dev/null; then
  jobs=$(squeue -h -t PD,R,CG,S,CF,RS,RQ,SE -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    log "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null
    for i in $(seq 1 60); do
      [ -z "$(squeue -h -t R,CG,S -o '%A' 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
fi

# the slurmds of extra nodes (SLURM_TEST_NODES >= 2), and then node 1's: all
# get SIGTERM at once (a slurmd takes ~2 s to exit), then we wait for all
extra=()
for f in "$PIDS"/slurmd-*.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  if pid=$(pid_of "$name" slurmd); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    extra+=("$pid")
  fi
  rm -f "$f"
done
if [ ${#extra[@]} -gt 0 ]; then
  if pid=$(pid_of slurmd); then
    log "stopping slurmd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    extra+=("$pid")
  fi
  rm -f "$PIDS/slurmd.pid"
  for i in $(seq 1 100); do
    alive=0
    for pid in "${extra[@]}"; do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slurmd ] && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${extra[@]}"; do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = slurmd ]; then
      log "slurmd (pid $pid) still alive after 20s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
  done
fi

for name in slurmd slurmctld slurmdbd mariadbd munged; do
  stop_one "$name"
done

if [ "$CLEAN" = 1 ]; then
  log "removing cluster state under $BASE"
  rm -rf "${BASE:?}/ctld" "${BASE:?}/spool" "${BASE:?}/log" "${BASE:?}/run" "${BASE:?}/mysql"
fi
log "done"
