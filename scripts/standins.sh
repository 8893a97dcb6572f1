#!/usr/bin/env bash
# Installs, starts and stops the local stand-ins that tests talk to instead of AWS:
#   dynamodb  DynamoDB Local (Java), shipped inside the npm package amplify-dynamodb-simulator
#   sqs       fauxqs (Node), kept on 127.0.0.1 by scripts/standins/fauxqs-launch.mjs
#
# usage:
#   scripts/standins.sh install
#   scripts/standins.sh start dynamodb|sqs PORT [STATE_DIR]
#   scripts/standins.sh stop [STATE_DIR]
#   scripts/standins.sh status [STATE_DIR]
#
# STATE_DIR (default: .standins/ at the repository root) holds SERVICE.pid, SERVICE.port and SERVICE.log for
# every stand-in started into it; stop signals only the processes recorded there.
#
# Environment:
#   STANDINS_OWNER_PID             when set, `start` also stops the stand-in once that process is gone, so a
#                                  test host that dies without cleaning up does not leave it running
#   STANDINS_START_TIMEOUT_SECONDS how long `start` waits for the stand-in to answer (default 30)
#
# Exit codes: 0 success, 1 failure (for `status`: a recorded stand-in is not running), 2 usage,
#             3 `start` found PORT taken (pick another port and retry).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly script_dir
readonly repo_root="${script_dir%/*}"
readonly standins_dir="$script_dir/standins"
readonly install_marker="$standins_dir/node_modules/.standins-installed"
readonly dynamodb_dir="$standins_dir/node_modules/amplify-dynamodb-simulator/emulator"
readonly fauxqs_launcher="$standins_dir/fauxqs-launch.mjs"
readonly default_state_dir="$repo_root/.standins"
readonly start_timeout_seconds="${STANDINS_START_TIMEOUT_SECONDS:-30}"
readonly stop_timeout_seconds=10
readonly services=(dynamodb sqs)
readonly port_in_use_exit_code=3

usage() {
  cat >&2 <<'USAGE'
usage:
  scripts/standins.sh install
  scripts/standins.sh start dynamodb|sqs PORT [STATE_DIR]
  scripts/standins.sh stop [STATE_DIR]
  scripts/standins.sh status [STATE_DIR]
USAGE
  exit 2
}

fail() {
  echo "standins: $*" >&2
  exit 1
}

fail_port_in_use() {
  echo "standins: $*" >&2
  exit "$port_in_use_exit_code"
}

# --- install ---------------------------------------------------------------------------------------------------

install() {
  mkdir -p "$default_state_dir"
  # Test hosts of several test projects may ask for the install at the same moment.
  exec {lock_fd}>"$default_state_dir/install.lock"
  flock "$lock_fd"
  install_node_packages
  install_java
  exec {lock_fd}>&-
}

install_node_packages() {
  if [[ -f $install_marker && ! $standins_dir/package-lock.json -nt $install_marker ]]; then
    return
  fi
  command -v node >/dev/null 2>&1 || fail "node (Node.js 20 or later) is required to install the stand-ins"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || fail "Node.js 20 or later is required (found $(node --version))"

  local log
  log="$(mktemp)"
  if ! (cd "$standins_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "npm ci in scripts/standins failed"
  fi
  rm -f "$log"
  [[ -f $dynamodb_dir/DynamoDBLocal.jar ]] || fail "npm ci did not provide $dynamodb_dir/DynamoDBLocal.jar"
  touch "$install_marker"
}

install_java() {
  if command -v java >/dev/null 2>&1; then
    return
  fi
  local -a as_root=()
  if ((EUID != 0)); then
    as_root=(sudo -n)
  fi
  local log
  log="$(mktemp)"
  local -a apt_install=(apt-get install -y -q --no-install-recommends openjdk-17-jre-headless)
  if ! DEBIAN_FRONTEND=noninteractive "${as_root[@]}" "${apt_install[@]}" >"$log" 2>&1; then
    if ! { "${as_root[@]}" apt-get update -q && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" "${apt_install[@]}"; } >>"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      fail "could not install openjdk-17-jre-headless (needed by DynamoDB Local)"
    fi
  fi
  rm -f "$log"
}

# --- processes -------------------------------------------------------------------------------------------------

resolve_state_dir() {
  local dir="${1:-$default_state_dir}"
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# The command line that identifies a stand-in we started, so that a stale PID file never leads to signalling
# an unrelated process that reused the PID.
command_marker() {
  local service=$1 port=$2
  case $service in
    dynamodb) echo "DynamoDBLocal.jar -inMemory -sharedDb -disableTelemetry -port $port" ;;
    sqs) echo "fauxqs-launch.mjs $port" ;;
  esac
}

watchdog_marker() {
  local service=$1 port=$2
  echo "standins.sh start $service $port"
}

# True when PID exists and is not a zombie.
is_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state="$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

# True when PID is alive and its command line contains MARKER.
is_our_process() {
  local pid=$1 marker=$2 cmdline
  is_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ $cmdline == *"$marker"* ]]
}

terminate() {
  local pid=$1 marker=$2 waited=0
  is_our_process "$pid" "$marker" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while is_our_process "$pid" "$marker"; do
    if ((waited >= stop_timeout_seconds * 10)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

port_is_open() {
  local port=$1
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

# Any HTTP answer counts: both stand-ins answer an unsigned request with an error document once they are up.
answers_http() {
  local service=$1 port=$2 target code
  case $service in
    dynamodb) target="DynamoDB_20120810.ListTables" ;;
    sqs) target="AmazonSQS.ListQueues" ;;
  esac
  code="$(curl --silent --noproxy '*' --max-time 2 --output /dev/null --write-out '%{http_code}' \
    --request POST --header 'Content-Type: application/x-amz-json-1.0' --header "X-Amz-Target: $target" \
    --data '{}' "http://127.0.0.1:$port/" 2>/dev/null)" || true
  [[ -n $code && $code != 000 ]]
}

start() {
  local service=${1:-} port=${2:-} state_dir
  [[ $service == dynamodb || $service == sqs ]] || usage
  if [[ ! $port =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then
    fail "PORT must be a number from 1 to 65535"
  fi
  state_dir="$(resolve_state_dir "${3:-}")"

  local pid_file="$state_dir/$service.pid" port_file="$state_dir/$service.port" log_file="$state_dir/$service.log"
  if [[ -f $pid_file && -f $port_file ]] &&
    is_our_process "$(<"$pid_file")" "$(command_marker "$service" "$(<"$port_file")")"; then
    fail "$service is already running from $state_dir (pid $(<"$pid_file")); stop it first"
  fi
  if port_is_open "$port"; then
    fail_port_in_use "cannot start $service: 127.0.0.1:$port is already in use"
  fi

  case $service in
    dynamodb)
      [[ -f $dynamodb_dir/DynamoDBLocal.jar ]] || fail "DynamoDB Local is not installed; run scripts/standins.sh install"
      command -v java >/dev/null 2>&1 || fail "java is not installed; run scripts/standins.sh install"
      # DynamoDB Local has no listen-address option; it binds every interface and we only use loopback.
      (cd "$state_dir" && exec java -Xmx512m "-Djava.library.path=$dynamodb_dir/DynamoDBLocal_lib" \
        -jar "$dynamodb_dir/DynamoDBLocal.jar" -inMemory -sharedDb -disableTelemetry -port "$port") \
        </dev/null >"$log_file" 2>&1 &
      ;;
    sqs)
      [[ -f $install_marker ]] || fail "fauxqs is not installed; run scripts/standins.sh install"
      (cd "$state_dir" && exec node "$fauxqs_launcher" "$port") </dev/null >"$log_file" 2>&1 &
      ;;
  esac
  local pid=$! marker
  marker="$(command_marker "$service" "$port")"
  echo "$pid" >"$pid_file"
  echo "$port" >"$port_file"

  local deadline=$((SECONDS + start_timeout_seconds))
  until answers_http "$service" "$port"; do
    # DynamoDB Local keeps running after its listener failed to bind, so the log is checked as well.
    if grep -qi 'address already in use' "$log_file"; then
      terminate "$pid" "$marker"
      rm -f "$pid_file" "$port_file"
      fail_port_in_use "$service could not bind port $port: address already in use; log: $log_file"
    fi
    if ! is_alive "$pid"; then
      rm -f "$pid_file" "$port_file"
      fail "$service exited before answering on 127.0.0.1:$port; log: $log_file"$'\n'"$(tail -n 20 "$log_file")"
    fi
    if ((SECONDS >= deadline)); then
      terminate "$pid" "$marker"
      rm -f "$pid_file" "$port_file"
      fail "$service did not answer on 127.0.0.1:$port within ${start_timeout_seconds}s; log: $log_file"
    fi
    sleep 0.2
  done

  if [[ -n ${STANDINS_OWNER_PID:-} ]]; then
    start_watchdog "$pid" "$marker" "$STANDINS_OWNER_PID" "$state_dir/$service.watchdog.pid"
  fi
}

start_watchdog() {
  local pid=$1 marker=$2 owner=$3 watchdog_pid_file=$4
  [[ $owner =~ ^[0-9]+$ ]] || fail "STANDINS_OWNER_PID must be a process id"
  (
    while kill -0 "$owner" 2>/dev/null; do
      is_our_process "$pid" "$marker" || exit 0
      sleep 2
    done
    terminate "$pid" "$marker"
  ) </dev/null >/dev/null 2>&1 &
  echo "$!" >"$watchdog_pid_file"
}

stop() {
  local state_dir=${1:-$default_state_dir}
  [[ -d $state_dir ]] || return 0
  local service port pid_file port_file watchdog_file
  for service in "${services[@]}"; do
    pid_file="$state_dir/$service.pid"
    port_file="$state_dir/$service.port"
    watchdog_file="$state_dir/$service.watchdog.pid"
    if [[ -f $port_file ]]; then
      port="$(<"$port_file")"
      if [[ -f $watchdog_file ]]; then
        terminate "$(<"$watchdog_file")" "$(watchdog_marker "$service" "$port")"
      fi
      if [[ -f $pid_file ]]; then
        terminate "$(<"$pid_file")" "$(command_marker "$service" "$port")"
      fi
    fi
    rm -f "$pid_file" "$port_file" "$watchdog_file"
  done
}

status() {
  local state_dir=${1:-$default_state_dir} service pid port all_up=0
  for service in "${services[@]}"; do
    if [[ ! -f $state_dir/$service.pid || ! -f $state_dir/$service.port ]]; then
      echo "$service: not started"
      continue
    fi
    pid="$(<"$state_dir/$service.pid")"
    port="$(<"$state_dir/$service.port")"
    if is_our_process "$pid" "$(command_marker "$service" "$port")"; then
      echo "$service: running, pid $pid, http://127.0.0.1:$port"
    else
      echo "$service: not running (pid $pid recorded; log: $state_dir/$service.log)"
      all_up=1
    fi
  done
  return "$all_up"
}

main() {
  local command=${1:-} min_args max_args
  case $command in
    install) min_args=0 max_args=0 ;;
    start) min_args=2 max_args=3 ;;
    stop | status) min_args=0 max_args=1 ;;
    *) usage ;;
  esac
  shift
  if (($# < min_args || $# > max_args)); then
    usage
  fi
  "$command" "$@"
}

main "$@"
