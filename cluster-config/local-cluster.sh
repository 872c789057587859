#!/usr/bin/env bash
# A Dataflow cluster of worker processes on this machine, for development and tests.
#
#   cluster-config/local-cluster.sh start N [--slots S] [--executor-memory SIZE]
#       Starts a membership-only primary silo (no executor, so any worker may be killed) and N workers, each with its
#       own local directory. Returns once all have joined (60 s at most, else exit 1); the last line of stdout is the
#       master URL listing every worker's gateway: orleans://127.0.0.1:P1,127.0.0.1:P2,...
#   cluster-config/local-cluster.sh status     one line per worker: <pid> <silo address> <active|joining|dead>
#   cluster-config/local-cluster.sh stop       stops exactly the processes start started and removes the run state
#
# Run state (pids, ports, logs, local directories) lives in $DATAFLOW_RUN_DIR, default cluster-config/run/.
# The worker is the Release build of engine/Dataflow.Worker (built when missing), or $DATAFLOW_WORKER_DLL.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
run_dir="${DATAFLOW_RUN_DIR:-$here/run}"
worker_dll="${DATAFLOW_WORKER_DLL:-$repo/engine/Dataflow.Worker/bin/Release/net10.0/Dataflow.Worker.dll}"
ready_timeout=60

die() { echo "local-cluster: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 start N [--slots S] [--executor-memory SIZE] | status | stop" >&2
  exit 2
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

is_our_worker() { # pid: alive and running the worker dll
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q "Dataflow.Worker"
}

# Starts one silo: name silo_port gateway_port extra-args...
launch() {
  local name=$1 silo=$2 gateway=$3; shift 3
  mkdir -p "$run_dir/$name"
  nohup dotnet "$worker_dll" --silo-port "$silo" --gateway-port "$gateway" --local-dir "$run_dir/$name/local" "$@" \
    > "$run_dir/$name/stdout.log" 2> "$run_dir/$name/worker.log" < /dev/null &
  echo $! > "$run_dir/$name/pid"
  echo "$silo" > "$run_dir/$name/silo-port"
  echo "$gateway" > "$run_dir/$name/gateway-port"
}

is_ready() { grep -q "^dataflow-worker ready" "$run_dir/$1/worker.log" 2>/dev/null; }

stop_all() {
  local pids=() name pid
  for name in $(ls "$run_dir" 2>/dev/null); do
    [[ -f "$run_dir/$name/pid" ]] || continue
    pid=$(cat "$run_dir/$name/pid")
    if is_our_worker "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do is_our_worker "$pid" && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do is_our_worker "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$run_dir"
}

cmd_start() {
  [[ $# -ge 1 && $1 =~ ^[1-9][0-9]*$ ]] || usage
  local n=$1; shift
  local extra=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --slots) [[ $# -ge 2 ]] || usage; extra+=(--slots "$2"); shift 2 ;;
      --executor-memory) [[ $# -ge 2 ]] || usage; extra+=(--executor-memory "$2"); shift 2 ;;
      *) usage ;;
    esac
  done
  if [[ -f "$run_dir/primary/pid" ]] && is_our_worker "$(cat "$run_dir/primary/pid")"; then
    die "a cluster is already running (run dir $run_dir); stop it first"
  fi
  rm -rf "$run_dir"
  mkdir -p "$run_dir"
  if [[ ! -f "$worker_dll" ]]; then
    echo "local-cluster: building the worker (Release)..." >&2
    dotnet build -c Release "$repo/engine/Dataflow.Worker" >&2 || die "building the worker failed"
  fi

  local primary_port; primary_port=$(free_port)
  launch primary "$primary_port" "$(free_port)" --no-executor
  local names=(primary)
  for i in $(seq 1 "$n"); do
    launch "worker-$i" "$(free_port)" "$(free_port)" --primary "127.0.0.1:$primary_port" "${extra[@]}"
    names+=("worker-$i")
  done

  local deadline=$((SECONDS + ready_timeout))
  for name in "${names[@]}"; do
    until is_ready "$name"; do
      if ! is_our_worker "$(cat "$run_dir/$name/pid")"; then
        echo "local-cluster: $name exited; its log:" >&2; tail -n 20 "$run_dir/$name/worker.log" >&2 || true
        stop_all; exit 1
      fi
      if (( SECONDS >= deadline )); then
        echo "local-cluster: $name did not join within ${ready_timeout} s" >&2
        stop_all; exit 1
      fi
      sleep 0.2
    done
  done

  local gateways=()
  for i in $(seq 1 "$n"); do gateways+=("127.0.0.1:$(cat "$run_dir/worker-$i/gateway-port")"); done
  echo "local-cluster: $n workers joined; logs in $run_dir" >&2
  (IFS=,; echo "orleans://${gateways[*]}")
}

cmd_status() {
  [[ -d "$run_dir" && -f "$run_dir/primary/pid" ]] || { echo "local-cluster: no cluster recorded in $run_dir" >&2; exit 1; }
  local name pid state
  for name in $(ls "$run_dir" | grep '^worker-' | sort -t- -k2 -n); do
    pid=$(cat "$run_dir/$name/pid")
    if ! is_our_worker "$pid"; then state=dead
    elif is_ready "$name"; then state=active
    else state=joining
    fi
    echo "$pid 127.0.0.1:$(cat "$run_dir/$name/silo-port") $state"
  done
}

cmd_stop() {
  if [[ ! -d "$run_dir" ]]; then
    echo "local-cluster: nothing to stop" >&2
    return 0
  fi
  stop_all
  echo "local-cluster: stopped" >&2
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *) usage ;;
esac
