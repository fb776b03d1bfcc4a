#!/usr/bin/env bash
# Load test of the site: wrk at 100 connections for 30 s against a story page
# and the JSON API served by lede (the `fixture_site` example of lede-publish),
# and against the same story page exported to static files and served by
# nginx, in one run on this machine. Prints requests/s and p99 latency.
#
#   bench/load.sh                      # release build, 100 connections, 30 s
#   BUILD=dev DURATION=10s bench/load.sh
#   PAGE_CACHE_SECS=0 bench/load.sh    # every request rendered from the store
#
# Needs wrk and nginx (Debian packages; installed with apt-get when missing
# and running as root). Only 127.0.0.1 is used; every process started here is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-100}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
BUILD=${BUILD:-release}
# Seconds lede keeps a rendered page (its `page_cache_secs`; 0 renders every request).
PAGE_CACHE_SECS=${PAGE_CACHE_SECS:-2}
APP_PORT=${APP_PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

need() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
      echo "load.sh: $1 is missing (apt-get install $2)" >&2
      exit 1
    fi
  fi
}
need wrk wrk
need nginx nginx-light
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

profile_flag=()
profile_dir=debug
if [ "$BUILD" = release ]; then
  profile_flag=(--release)
  profile_dir=release
fi
cargo build -q -p lede-publish --example fixture_site "${profile_flag[@]}"
BIN="$CARGO_TARGET_DIR/$profile_dir/examples/fixture_site"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" --export "$WORK/site" 2>"$WORK/export.log"
"$BIN" --addr "127.0.0.1:$APP_PORT" --page-cache-secs "$PAGE_CACHE_SECS" 2>"$WORK/app.log" &
PIDS+=($!)

cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;
  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/site;
    index index.html;
    error_page 404 /404.html;
  }
}
CONF
mkdir -p "$WORK/tmp"
# nginx's workers run as an unprivileged user: let them read the export.
chmod -R a+rX "$WORK"
"$NGINX" -c "$WORK/nginx.conf" -g 'daemon on;'

for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$APP_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fs "http://127.0.0.1:$NGINX_PORT/stories/3/" >/dev/null; then
  echo "load.sh: nginx does not serve the export:" >&2
  cat "$WORK/nginx-error.log" >&2
  exit 1
fi

run() { # name url
  local out rps p99
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then
    echo "load.sh: $1 answered errors:" >&2
    echo "$out" >&2
    exit 1
  fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  printf '%-28s %12s %10s\n' "$1" "$rps" "$p99"
}

echo "wrk: $THREADS threads, $CONNECTIONS connections, $DURATION each; lede build: $BUILD, page cache ${PAGE_CACHE_SECS}s; $(nproc) cores"
printf '%-28s %12s %10s\n' "target" "requests/s" "p99"
run "lede story page" "http://127.0.0.1:$APP_PORT/stories/3"
run "lede API story" "http://127.0.0.1:$APP_PORT/api/v1/stories/3"
run "lede API story list" "http://127.0.0.1:$APP_PORT/api/v1/stories"
run "nginx exported story page" "http://127.0.0.1:$NGINX_PORT/stories/3/"
