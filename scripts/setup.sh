#!/usr/bin/env bash
# Installs what Berth runs against: `runtime` for `npm start`, `test` for the
# integration suite. Idempotent; does nothing but checks when all is present.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  runtime) packages=(docker.io caddy docker-registry busybox-static libjemalloc2) ;;
  test) packages=(docker.io caddy docker-registry busybox-static libjemalloc2 docker-compose wrk nginx postgresql chromium openjdk-17-jre-headless maven) ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac

repo="$(cd "$(dirname "$0")/.." && pwd)"
say() { echo "setup: $*" >&2; }

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]]; then
    say "missing apt packages: ${missing[*]}; run this script as root or install them" && exit 1
  fi
  say "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# Exactly what package-lock.json says, and the lock is never rewritten (it lists
# every platform's optional packages, as npm writes it). The marker holds the
# lock's hash, so an unchanged lock installs nothing, also where node_modules
# is shared through a symlink.
lock_hash="$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)"
marker="$repo/node_modules/.berth-lock-sha256"
if [[ "$(cat "$marker" 2>/dev/null || true)" != "$lock_hash" ]]; then
  say "installing npm dependencies from package-lock.json (npm ci)"
  (cd "$repo" && npm ci --no-audit --no-fund >&2)
  echo "$lock_hash" > "$marker"
fi

# The Temporal SDK would download its dev server from the internet; build the
# pinned CLI from its Go module instead (the module proxy is reachable).
temporal_version="$(tr -d '[:space:]' < "$repo/scripts/temporal-version")"
temporal_dir="${BERTH_CACHE:-$HOME/.cache/berth}/temporal-cli/$temporal_version"
if [[ ! -x "$temporal_dir/temporal" ]]; then
  command -v go >/dev/null || { say "Go (>= 1.25) is needed to build the Temporal CLI; install it and rerun" && exit 1; }
  say "building Temporal CLI $temporal_version into $temporal_dir (takes a few minutes once)"
  mkdir -p "$temporal_dir"
  GOBIN="$temporal_dir" CGO_ENABLED=0 go install "github.com/temporalio/cli/cmd/temporal@$temporal_version" >&2
fi

# Workflow tests skip time with Temporal's test server, a Java program from the
# Java SDK; fetch it and its jars from Maven Central (reachable, unlike GitHub).
if [[ "$mode" == test ]]; then
  test_server_pom="$repo/scripts/temporal-test-server/pom.xml"
  test_server_version="$(sed -n 's:.*<version>\(1\.[0-9.]*\)</version>.*:\1:p' "$test_server_pom" | head -n 1)"
  test_server_dir="${BERTH_CACHE:-$HOME/.cache/berth}/temporal-test-server/$test_server_version"
  if [[ ! -x "$test_server_dir/temporal-test-server" ]]; then
    say "fetching Temporal test server $test_server_version into $test_server_dir"
    mkdir -p "$test_server_dir"
    mvn -q -B -f "$test_server_pom" dependency:copy-dependencies -DoutputDirectory="$test_server_dir/lib" >&2
    printf '#!/bin/sh\n# Started by @temporalio/testing with the port as its argument.\nexec java -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"\n' > "$test_server_dir/temporal-test-server.tmp"
    chmod +x "$test_server_dir/temporal-test-server.tmp"
    mv "$test_server_dir/temporal-test-server.tmp" "$test_server_dir/temporal-test-server"
  fi
fi

# The production topology's tests run the Temporal server on PostgreSQL: the
# server and its SQL schema tool, at the version the pinned CLI embeds (read
# from the CLI's go.mod, so both builds share the module cache).
if [[ "$mode" == test ]]; then
  cli_mod="$(go env GOMODCACHE)/github.com/temporalio/cli@$temporal_version/go.mod"
  [[ -f "$cli_mod" ]] || (cd /tmp && go mod download "github.com/temporalio/cli@$temporal_version" >&2)
  server_version="$(awk '$1 == "go.temporal.io/server" { print $2 }' "$cli_mod")"
  server_dir="${BERTH_CACHE:-$HOME/.cache/berth}/temporal-server/$server_version"
  if [[ -z "$server_version" ]]; then
    say "cannot find go.temporal.io/server in $cli_mod" && exit 1
  elif [[ ! -x "$server_dir/server" || ! -x "$server_dir/sql" ]]; then
    say "building Temporal server $server_version and its SQL tool into $server_dir (takes a few minutes once)"
    mkdir -p "$server_dir"
    (cd /tmp && GOBIN="$server_dir" CGO_ENABLED=0 go install "go.temporal.io/server/cmd/server@$server_version" "go.temporal.io/server/cmd/tools/sql@$server_version" >&2)
  fi
  # The Web UI server, at the version the CLI embeds, to look at that cluster in a browser.
  ui_version="$(awk '$1 == "github.com/temporalio/ui-server/v2" { print $2 }' "$cli_mod")"
  ui_dir="${BERTH_CACHE:-$HOME/.cache/berth}/temporal-ui/$ui_version"
  if [[ -n "$ui_version" && ! -x "$ui_dir/server" ]]; then
    say "building the Temporal Web UI server $ui_version into $ui_dir"
    mkdir -p "$ui_dir"
    (cd /tmp && GOBIN="$ui_dir" CGO_ENABLED=0 go install "github.com/temporalio/ui-server/v2/cmd/server@$ui_version" >&2)
  fi
fi

# The dbapp fixture (test/fixtures/dbapp) is a Go program the integration
# suite compiles once into the cache; fetch its modules now, while the module
# proxy is known to be reachable.
if [[ "$mode" == test ]]; then
  command -v go >/dev/null || { say "Go (>= 1.22) is needed to build the dbapp test fixture; install it and rerun" && exit 1; }
  (cd "$repo/test/fixtures/dbapp" && go mod download >&2)
fi

# The committed berth.yaml refers to API tokens in .berth/; make them once, readable by us only.
if [[ "$mode" == runtime ]]; then
  mkdir -p "$repo/.berth"
  for name in token-ci token-ops; do
    if [[ ! -s "$repo/.berth/$name" ]]; then
      (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$repo/.berth/$name")
      say "created API token .berth/$name"
    fi
  done
fi
