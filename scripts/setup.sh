#!/usr/bin/env bash
# Installs what Berth runs against: `runtime` for `npm start`, `test` for the
# integration suite. Idempotent; does nothing but checks when all is present.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  runtime) packages=(docker.io caddy) ;;
  test) packages=(docker.io caddy docker-registry busybox-static docker-compose nginx postgresql chromium openjdk-17-jre-headless maven) ;;
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

if [[ ! -f "$repo/node_modules/.package-lock.json" || "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]]; then
  # Not `npm ci`: this registry mirror lacks other platforms' optional packages
  # (@swc/core-darwin-*, ...), which npm ci counts as a lock mismatch. npm install
  # still installs the locked versions.
  say "installing npm dependencies"
  (cd "$repo" && npm install --no-audit --no-fund >&2)
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
