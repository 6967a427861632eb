#!/usr/bin/env bash
# Prepares a fresh machine for Parley's tests and demo; quick and silent when already done.
#  - Node dependencies (npm ci when node_modules is missing or older than the lock file)
#  - Dovecot from Debian's packages (the throwaway IMAP server tests start)
#  - Chromium from Debian's packages (browser tests drive it with playwright-core; never downloaded)
#  - The embedded FerretDB binary, built once from the Go module proxy (with Parley's patch) into .cache/
# Set PARLEY_SKIP_DOVECOT=1 / PARLEY_SKIP_FERRETDB=1 / PARLEY_SKIP_BROWSER=1 when you bring your
# own IMAP / MONGODB_URL / have no need for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf 'setup: %s\n' "$*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing Node dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

packages=()
[ "${PARLEY_SKIP_DOVECOT:-}" = 1 ] || [ -x /usr/sbin/dovecot ] || packages+=(dovecot-imapd dovecot-sieve)
[ "${PARLEY_SKIP_BROWSER:-}" = 1 ] || [ -x /usr/bin/chromium ] || packages+=(chromium)
if [ ${#packages[@]} -gt 0 ]; then
  log "installing ${packages[*]} from Debian's packages"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# The binary is keyed by a hash of the Go sources and the patch, so a change to them rebuilds it.
# FerretDB is built from a copy of its module with Parley's change set applied (tools/ferretdb/patch:
# indexed access paths on SQLite; see docs/ARCHITECTURE.md). The copy lives in .cache/, never in
# the repo.
if [ "${PARLEY_SKIP_FERRETDB:-}" != 1 ] && [ -z "${MONGODB_URL:-}" ]; then
  export PATH="$PATH:/usr/local/go/bin"
  key=$(cat tools/ferretdb/go.mod tools/ferretdb/go.sum tools/ferretdb/main.go tools/ferretdb/patch/* | sha256sum | cut -c1-16)
  bin="$root/.cache/ferretdb/parley-ferretdb-$key"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || { log "Go is missing: install Go 1.24+ or set MONGODB_URL to a MongoDB server"; exit 1; }
    log "building the embedded FerretDB v1.24.2 with Parley's patch (first run only, a few minutes)"
    work="$root/.cache/ferretdb/build-$key"
    rm -rf "$work"
    mkdir -p "$work"
    module_dir=$(cd tools/ferretdb && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)
    [ -n "$module_dir" ] && [ -d "$module_dir" ] || { log "could not download github.com/FerretDB/FerretDB from the Go module proxy"; exit 1; }
    cp -R "$module_dir" "$work/FerretDB"
    chmod -R u+w "$work/FerretDB"
    (cd tools/ferretdb && go run ./patch "$work/FerretDB")
    cp tools/ferretdb/go.mod tools/ferretdb/go.sum "$work/"
    printf '\nreplace github.com/FerretDB/FerretDB => %s\n' "$work/FerretDB" >> "$work/go.mod"
    (cd tools/ferretdb && GOFLAGS=-mod=mod go build -modfile="$work/go.mod" -trimpath -o "$bin.tmp" .)
    mv "$bin.tmp" "$bin"
    rm -rf "$work"
  fi
  ln -sf "$(basename "$bin")" "$root/.cache/ferretdb/parley-ferretdb"
fi
