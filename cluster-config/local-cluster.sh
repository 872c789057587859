#!/usr/bin/env bash
# A Dataflow cluster of worker processes on this machine, on loopback ports (see cluster-config/README.md).
#
#   local-cluster.sh start N [--slots S] [--executor-memory SIZE] [--rebuild]
#       Starts a membership-only primary silo and N workers, waits until every one has joined, and prints the
#       master URL (orleans://127.0.0.1:<gateway>,... naming every worker's gateway) as the only line on stdout.
#   local-cluster.sh status
#       One line per worker on stdout: "<pid> <silo address> <active|joining|dead>"; the primary's line goes to
#       stderr, prefixed "primary:". Exit 0 when a cluster is recorded, 1 when none is.
#   local-cluster.sh url
#       Prints the master URL of the recorded cluster again.
#   local-cluster.sh stop
#       Stops the processes start started (workers first, then the primary: SIGTERM, SIGKILL after a grace period)
#       and removes the run directory. With nothing recorded it says so and exits 0.
#
# Environment:
#   DATAFLOW_CLUSTER_PROG   the name messages give this script (`dataflow cluster` sets it; default local-cluster.sh)
#   DATAFLOW_RUN_DIR        run directory (default: cluster-config/run): a file "cluster" listing
#                           "<name> <silo port> <gateway port>" per process, primary first, and a directory per process
#                           (primary, worker-1, ...), its working directory, holding its pid, worker.log (stdout and
#                           stderr) and local/ (its --local-dir)
#   DATAFLOW_WORKER_DLL     worker to run (default: engine/Dataflow.Worker/bin/Release/net10.0/Dataflow.Worker.dll,
#                           built with `dotnet build -c Release engine/Dataflow.Worker` when missing or older than
#                           a source file under engine/)
#   DATAFLOW_WORKER_CONFIG  JSON file passed to every process with --config (default: cluster-config/worker.appsettings.json)
#   DATAFLOW_START_TIMEOUT  seconds start waits for every process to be ready (default 60)
#   DATAFLOW_STOP_GRACE     seconds stop waits after SIGTERM before SIGKILL (default 30)
#
# Exit codes: 0 success; 1 failure (a cluster already running, a process that did not become ready, a build that
# failed); 2 usage error.
set -euo pipefail

readonly prog=${DATAFLOW_CLUSTER_PROG:-local-cluster.sh}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly script_dir
repo_root=$(cd "$script_dir/.." && pwd)
readonly repo_root
run_dir=${DATAFLOW_RUN_DIR:-$script_dir/run}
[[ $run_dir == /* ]] || run_dir=$PWD/$run_dir
readonly run_dir
readonly state_file=$run_dir/cluster
readonly ready_prefix='dataflow-worker ready'

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "$*"; exit 1; }
usage_error() {
    log "$*"
    printf 'usage: %s start N [--slots S] [--executor-memory SIZE] [--rebuild] | status | url | stop\n' "$prog" >&2
    exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# Members of the recorded cluster, in start order: "<name> <silo port> <gateway port>", the primary first.
members() { cat "$state_file"; }

pid_of() { # name -> pid, or nothing when the pid file is missing or not yet written
    local pid=''
    [[ -r $run_dir/$1/pid ]] && read -r pid <"$run_dir/$1/pid" || true
    if is_uint "${pid:-x}"; then printf '%s' "$pid"; fi
}

# Whether <pid> is still the worker process started for <silo port>: the pid may have been reused by anything else,
# and a killed process that nobody has reaped yet (a zombie) has an empty command line.
is_ours() { # pid silo-port
    local cmdline
    if [[ -d /proc/$1 ]]; then
        cmdline=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
    elif [[ ! -d /proc/self ]]; then
        cmdline=$(ps -p "$1" -o command= 2>/dev/null) || return 1
        cmdline="$cmdline "
    else
        return 1
    fi
    [[ $cmdline == *Dataflow.Worker* && $cmdline == *"--silo-port $2 "* ]]
}

state_of() { # name silo-port -> active|joining|dead
    local pid
    pid=$(pid_of "$1")
    if [[ -z $pid ]] || ! is_ours "$pid" "$2"; then
        echo dead
    elif grep -q "^$ready_prefix pid=$pid " "$run_dir/$1/worker.log" 2>/dev/null; then
        echo active
    else
        echo joining
    fi
}

master_url() {
    local name silo gateway url=''
    while read -r name silo gateway; do
        [[ $name == primary ]] && continue
        url+="${url:+,}127.0.0.1:$gateway"
    done < <(members)
    printf 'orleans://%s\n' "$url"
}

# Sends SIGTERM to the named members still running, waits up to <grace> seconds, then SIGKILLs what is left.
terminate() { # grace name...
    local grace=$1 name silo gateway pid deadline left=()
    shift
    local -A wanted=() pids=() ports=()
    for name in "$@"; do wanted[$name]=1; done
    while read -r name silo gateway; do
        [[ -n ${wanted[$name]:-} ]] || continue
        pid=$(pid_of "$name")
        if [[ -n $pid ]] && is_ours "$pid" "$silo"; then
            pids[$name]=$pid
            ports[$name]=$silo
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done < <(members)
    deadline=$((SECONDS + grace))
    while :; do
        left=()
        for name in "${!pids[@]}"; do
            is_ours "${pids[$name]}" "${ports[$name]}" && left+=("$name")
        done
        ((${#left[@]} == 0)) && return 0
        ((SECONDS >= deadline)) && break
        sleep 0.2
    done
    for name in "${left[@]}"; do
        log "$name (pid ${pids[$name]}) did not stop within ${grace}s; sending SIGKILL"
        is_ours "${pids[$name]}" "${ports[$name]}" && kill -KILL "${pids[$name]}" 2>/dev/null || true
    done
    deadline=$((SECONDS + 10))
    for name in "${left[@]}"; do
        while is_ours "${pids[$name]}" "${ports[$name]}" && ((SECONDS < deadline)); do sleep 0.1; done
    done
}

# Stops every recorded process, workers first so that each can still mark itself dead in the primary's table.
stop_all() { # grace
    local name silo gateway workers=()
    while read -r name silo gateway; do
        [[ $name == primary ]] || workers+=("$name")
    done < <(members)
    ((${#workers[@]} == 0)) || terminate "$1" "${workers[@]}"
    terminate "$1" primary
}

# Removes exactly what start created, then the run directory if nothing else is left in it.
remove_state() {
    local name silo gateway
    if [[ -f $state_file ]]; then
        while read -r name silo gateway; do
            rm -rf "${run_dir:?}/$name"
        done < <(members)
    fi
    rm -f "$state_file"
    rmdir "$run_dir" 2>/dev/null || log "left $run_dir in place: it holds files this script did not create"
}

alive_count() {
    local name silo gateway count=0
    while read -r name silo gateway; do
        [[ $(state_of "$name" "$silo") == dead ]] || count=$((count + 1))
    done < <(members)
    echo "$count"
}

# Free loopback ports, below the kernel's ephemeral range so that outgoing connections cannot take them meanwhile.
# Each candidate is bound (not only probed) and all are held until the whole set is chosen.
pick_ports() { # count
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$1" <<'EOF'
import random, socket, sys
count = int(sys.argv[1])
low, high = 20000, 32000
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_start = int(f.read().split()[0])
    high = min(high, ephemeral_start - 1) if ephemeral_start > low + 1000 else high
except OSError:
    pass
held, ports = [], []
for _ in range(20000):
    if len(ports) == count:
        break
    port = random.randint(low, high)
    if port in ports:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    held.append(s)
    ports.append(port)
if len(ports) < count:
    sys.exit("no free ports found")
print(" ".join(map(str, ports)))
EOF
    else
        # Without python3: a port nobody answers on is taken as free (less certain than binding it).
        local ports=() port
        while ((${#ports[@]} < $1)); do
            port=$((20000 + RANDOM % 12000))
            [[ " ${ports[*]} " == *" $port "* ]] && continue
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
            ports+=("$port")
        done
        echo "${ports[*]}"
    fi
}

worker_dll() { # rebuild
    if [[ -n ${DATAFLOW_WORKER_DLL:-} ]]; then
        [[ $1 == 0 ]] || die "--rebuild cannot rebuild DATAFLOW_WORKER_DLL=$DATAFLOW_WORKER_DLL; build it yourself"
        [[ -f $DATAFLOW_WORKER_DLL ]] || die "DATAFLOW_WORKER_DLL=$DATAFLOW_WORKER_DLL does not exist"
        printf '%s' "$DATAFLOW_WORKER_DLL"
        return
    fi
    local dll=$repo_root/engine/Dataflow.Worker/bin/Release/net10.0/Dataflow.Worker.dll newer=''
    # A worker older than the engine's (or MLlib's, which it provides) sources would run another build than the driver:
    # task binaries name engine
    # methods by metadata token, so that fails (or worse, runs other code). Rebuild it then, as when it is missing.
    if [[ -f $dll ]]; then
        newer=$(find "$repo_root/engine" "$repo_root/mllib" "$repo_root"/Directory.*.props -newer "$dll" \
            \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)
        [[ -z $newer ]] || log "the Release worker is older than ${newer#"$repo_root"/}"
    fi
    if [[ $1 == 1 || ! -f $dll || -n $newer ]]; then
        log "building the worker: dotnet build -c Release engine/Dataflow.Worker"
        dotnet build -c Release "$repo_root/engine/Dataflow.Worker" >&2 || die "building the worker failed"
        [[ -f $dll ]] || die "the build did not produce $dll"
    fi
    printf '%s' "$dll"
}

# Starts one silo detached from this script (own session, stdin from /dev/null, output to its log) so that it
# outlives start and holds none of its caller's pipes open. The process writes its own pid file before becoming the
# worker, so the pid is right even where setsid has to fork.
launch() { # name silo-port gateway-port dll worker-options...
    local name=$1 silo=$2 gateway=$3 dll=$4
    shift 4
    local detach=() config=${DATAFLOW_WORKER_CONFIG:-$script_dir/worker.appsettings.json} config_args=()
    command -v setsid >/dev/null 2>&1 && detach=(setsid)
    [[ -f $config ]] && config_args=(--config "$config")
    mkdir -p "$run_dir/$name/local"
    (
        cd "$run_dir/$name"
        exec "${detach[@]}" bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$run_dir/$name/pid" \
            dotnet "$dll" --silo-port "$silo" --gateway-port "$gateway" --local-dir "$run_dir/$name/local" \
            "${config_args[@]}" "$@"
    ) </dev/null >"$run_dir/$name/worker.log" 2>&1 &
    # Wait for the pid file, so that a start interrupted from now on can stop this process too.
    local tries
    for ((tries = 0; tries < 100; tries++)); do
        [[ -f $run_dir/$name/pid ]] && return 0
        sleep 0.05
    done
    log "$name did not record its pid"
    return 1
}

# Waits until every named member has written its ready line; fails when one exits first or time runs out.
wait_ready() { # deadline name...
    local deadline=$1 name silo gateway pid pending
    shift
    local -A port=()
    while read -r name silo gateway; do port[$name]=$silo; done < <(members)
    pending=("$@")
    while ((${#pending[@]} > 0)); do
        local still=()
        for name in "${pending[@]}"; do
            pid=$(pid_of "$name")
            if [[ -n $pid ]] && grep -q "^$ready_prefix pid=$pid " "$run_dir/$name/worker.log" 2>/dev/null; then
                continue
            fi
            if [[ -n $pid ]] && ! is_ours "$pid" "${port[$name]}"; then
                log "$name exited before it was ready; the end of its log:"
                tail -n 20 "$run_dir/$name/worker.log" >&2 || true
                return 1
            fi
            still+=("$name")
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]} == 0)) && return 0
        if ((SECONDS >= deadline)); then
            log "timed out waiting for ${pending[*]} to be ready; the end of ${pending[0]}'s log:"
            tail -n 20 "$run_dir/${pending[0]}/worker.log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
}

cmd_start() {
    local count='' slots='' memory='' rebuild=0
    while (($# > 0)); do
        case $1 in
            --slots) (($# >= 2)) || usage_error "--slots needs a value"; slots=$2; shift 2 ;;
            --slots=*) slots=${1#*=}; shift ;;
            --executor-memory) (($# >= 2)) || usage_error "--executor-memory needs a value"; memory=$2; shift 2 ;;
            --executor-memory=*) memory=${1#*=}; shift ;;
            --rebuild) rebuild=1; shift ;;
            -*) usage_error "unknown option $1" ;;
            *) [[ -z $count ]] || usage_error "unexpected argument '$1'"; count=$1; shift ;;
        esac
    done
    [[ -n $count ]] || usage_error "start needs the number of workers, e.g. start 2"
    is_uint "$count" && ((10#$count >= 1 && 10#$count <= 64)) || usage_error "N must be a whole number from 1 to 64, got '$count'"
    count=$((10#$count))
    [[ -z $slots ]] || is_uint "$slots" || usage_error "--slots must be a whole number (0: the processor count), got '$slots'"
    [[ -z $memory || $memory =~ ^[0-9]+(\.[0-9]+)?([eE][0-9]+)?[kKmMgG]?$ ]] \
        || usage_error "--executor-memory must be a size such as 512m or 2g, got '$memory'"

    if [[ -f $state_file ]]; then
        (($(alive_count) == 0)) || die "a cluster is already running from $run_dir (see '$prog status'); run '$prog stop' first"
        log "removing the state of a cluster whose processes have all exited"
        remove_state
    fi
    command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH"
    local dll
    dll=$(worker_dll "$rebuild")

    mkdir -p "$run_dir"
    # Creating the state file is the lock: a concurrent start fails here.
    (set -C; : >"$state_file") 2>/dev/null || die "another start is using $run_dir"
    trap 'start_failed' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local ports i names=()
    read -r -a ports <<<"$(pick_ports $((2 * (count + 1))))"
    echo "primary ${ports[0]} ${ports[1]}" >>"$state_file"
    for ((i = 1; i <= count; i++)); do
        echo "worker-$i ${ports[2 * i]} ${ports[2 * i + 1]}" >>"$state_file"
        names+=("worker-$i")
    done

    local deadline=$((SECONDS + ${DATAFLOW_START_TIMEOUT:-60}))
    log "starting the primary silo on 127.0.0.1:${ports[0]} (logs in $run_dir)"
    launch primary "${ports[0]}" "${ports[1]}" "$dll" --no-executor
    wait_ready "$deadline" primary || exit 1

    local worker_args=(--primary "127.0.0.1:${ports[0]}")
    [[ -z $slots ]] || worker_args+=(--slots "$slots")
    [[ -z $memory ]] || worker_args+=(--executor-memory "$memory")
    log "starting $count worker(s)"
    for ((i = 1; i <= count; i++)); do
        launch "worker-$i" "${ports[2 * i]}" "${ports[2 * i + 1]}" "$dll" "${worker_args[@]}"
    done
    wait_ready "$deadline" "${names[@]}" || exit 1

    trap - EXIT INT TERM
    local url
    url=$(master_url)
    log "cluster ready: primary and $count worker(s); use --master $url (or export DATAFLOW_MASTER=$url); stop with '$prog stop'"
    printf '%s\n' "$url"
}

start_failed() {
    local status=$?
    trap - EXIT INT TERM
    log "start failed; stopping what it started"
    stop_all 5
    remove_state
    exit $((status == 0 ? 1 : status))
}

cmd_status() {
    (($# == 0)) || usage_error "status takes no arguments"
    [[ -f $state_file ]] || { log "no cluster is recorded in $run_dir"; exit 1; }
    local name silo gateway pid
    while read -r name silo gateway; do
        pid=$(pid_of "$name")
        if [[ $name == primary ]]; then
            log "primary: ${pid:--} 127.0.0.1:$silo $(state_of "$name" "$silo")"
        else
            printf '%s 127.0.0.1:%s %s\n' "${pid:--}" "$silo" "$(state_of "$name" "$silo")"
        fi
    done < <(members)
}

cmd_url() {
    (($# == 0)) || usage_error "url takes no arguments"
    [[ -f $state_file ]] || { log "no cluster is recorded in $run_dir"; exit 1; }
    master_url
}

cmd_stop() {
    (($# == 0)) || usage_error "stop takes no arguments"
    if [[ ! -f $state_file ]]; then
        log "no cluster is recorded in $run_dir; nothing to stop"
        return 0
    fi
    log "stopping the cluster recorded in $run_dir"
    stop_all "${DATAFLOW_STOP_GRACE:-30}"
    remove_state
    log "stopped"
}

(($# > 0)) || usage_error "no command given"
command=$1
shift
case $command in
    start) cmd_start "$@" ;;
    status) cmd_status "$@" ;;
    url) cmd_url "$@" ;;
    stop) cmd_stop "$@" ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
    *) usage_error "unknown command '$command'" ;;
esac
