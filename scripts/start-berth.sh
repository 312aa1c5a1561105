#!/usr/bin/env bash
# Runs Berth's compiled entry point (`npm start`, the image, the benchmarks) with
# jemalloc as its allocator when the machine has it (Debian: libjemalloc2).
# glibc's malloc keeps what the Temporal core and Node free in holes it never
# hands back: at 1,000 idle environments about 80 MB of the RSS after a burst of
# deploys. jemalloc returns freed pages within seconds (README, "Performance").
# Without it, or with BERTH_ALLOCATOR=glibc, glibc is held to two arenas. An
# LD_PRELOAD or MALLOC_CONF already set wins. Arguments go to Berth (its role:
# all, worker or api); options for node go in NODE_OPTIONS.
set -euo pipefail
root="$(CDPATH= cd -- "$(dirname -- "$0")/.." >/dev/null && pwd)"
# This machine's own copy (a multiarch host lists one per architecture, by triplet in the path).
jemalloc="$( (/sbin/ldconfig -p 2>/dev/null || true) | awk -v arch="$(uname -m)" '/libjemalloc\.so\.2 / && index($NF, arch "-linux-gnu") {print $NF; exit}')"
if [[ -n "$jemalloc" && -z "${LD_PRELOAD:-}" && "${BERTH_ALLOCATOR:-jemalloc}" == jemalloc ]]; then
  # BERTH_PRELOADED tells Berth to start its daemons (dockerd, Caddy, ...) without it.
  export LD_PRELOAD="$jemalloc" BERTH_PRELOADED="$jemalloc"
  # Purge freed pages from a background thread after 5 s, whether or not more is allocated; two arenas as with glibc.
  export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:5000,muzzy_decay_ms:0,narenas:2}"
else
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
fi
exec node "$root/dist/main.js" "$@"
