#!/usr/bin/env bash
# Make a PostgreSQL server answer on 127.0.0.1:5432 and print on stdout a URL
# whose role may CREATE DATABASE (for LEDE_TEST_POSTGRES). Everything else goes
# to standard error.
#
# - A server already answering is used as it is (user $PGUSER or postgres,
#   password $PGPASSWORD if set).
# - Otherwise a throwaway cluster is made under /tmp/lede-pg (trust
#   authentication on 127.0.0.1, fsync off: test data only), from a server
#   binary on PATH or under /usr/lib/postgresql/*/bin, installing Debian's
#   `postgresql` package when there is none. PostgreSQL refuses to run as root,
#   so as root the cluster belongs to the `postgres` system user (created if
#   missing).
# - Running it again reuses the running server.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
BASE=/tmp/lede-pg
DATA=$BASE/data
LOG=$BASE/server.log

log() { echo "postgres.sh: $*" >&2; }

# Whether something accepts PostgreSQL connections on HOST:PORT.
ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PORT"
  else
    # Without the client tools, an open port is the best sign there is.
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
  fi
}

# Percent-encode a URL component (user names and passwords may hold anything).
urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

print_url() {
  local user=${PGUSER:-postgres} auth
  auth=$(urlencode "$user")
  if [ -n "${PGPASSWORD:-}" ]; then
    auth+=":$(urlencode "$PGPASSWORD")"
  fi
  if command -v psql >/dev/null 2>&1; then
    local can
    if ! can=$(psql -h "$HOST" -p "$PORT" -U "$user" -d postgres -XAtc \
      "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user" 2>&1); then
      log "the server on $HOST:$PORT answers but refuses user $user: $can"
      exit 1
    fi
    if [ "$can" != t ]; then
      log "role $user on $HOST:$PORT may not CREATE DATABASE"
      exit 1
    fi
  fi
  echo "postgres://$auth@$HOST:$PORT/postgres"
}

if ready; then
  log "a server already answers on $HOST:$PORT"
  print_url
  exit 0
fi

# The directory holding postgres, initdb and pg_ctl of one installation.
find_bin() {
  local p
  if p=$(command -v postgres 2>/dev/null); then
    p=$(dirname "$(readlink -f "$p")")
    if [ -x "$p/initdb" ] && [ -x "$p/pg_ctl" ]; then
      echo "$p"
      return 0
    fi
  fi
  for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$p/postgres" ] && [ -x "$p/initdb" ] && [ -x "$p/pg_ctl" ]; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

if ! BIN=$(find_bin); then
  if [ "$(id -u)" != 0 ]; then
    log "no PostgreSQL server binary found, and installing one needs root"
    exit 1
  fi
  log "installing Debian's postgresql package"
  # Debian's package would create and start a 'main' cluster with password
  # authentication on port 5432; ours is made below instead.
  mkdir -p /etc/postgresql-common
  conf=/etc/postgresql-common/createcluster.conf
  if [ -f "$conf" ] && grep -q '^[[:space:]]*create_main_cluster' "$conf"; then
    sed -i 's/^[[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf"
  else
    echo "create_main_cluster = false" >>"$conf"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  BIN=$(find_bin) || {
    log "postgresql installed but no server binary found"
    exit 1
  }
fi
log "server binaries in $BIN"

# Run a command as the cluster's owner.
if [ "$(id -u)" = 0 ]; then
  OWNER=postgres
  if ! id "$OWNER" >/dev/null 2>&1; then
    log "creating system user $OWNER"
    useradd --system --user-group --home-dir "$BASE" --shell /bin/sh "$OWNER"
  fi
  as_owner() {
    if command -v runuser >/dev/null 2>&1; then
      runuser -u "$OWNER" -- "$@"
    else
      su -s /bin/sh "$OWNER" -c "$(printf '%q ' "$@")"
    fi
  }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

mkdir -p "$BASE"
if [ "$(id -u)" = 0 ]; then
  chown "$OWNER" "$BASE"
fi
chmod 700 "$BASE"

if [ ! -f "$DATA/PG_VERSION" ]; then
  log "creating a cluster in $DATA"
  rm -rf "$DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C >&2
fi

log "starting the server (log: $LOG)"
# Throwaway test data: durability settings off for speed; the socket lives in
# BASE so no system directory is needed.
as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
  -o "-c listen_addresses=$HOST -p $PORT -k $BASE -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 || {
  log "the server did not start; its log ends with:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

for _ in $(seq 1 60); do
  if ready; then
    unset PGPASSWORD
    PGUSER=postgres print_url
    exit 0
  fi
  sleep 0.5
done
log "the server started but does not answer on $HOST:$PORT"
exit 1
