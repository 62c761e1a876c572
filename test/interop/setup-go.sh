#!/bin/sh
# Installs what test/interop needs to build its Go verifier (test/interop/go):
# Go and golang.org/x/mod, from Debian's packages, so no Go module proxy is needed.
# Idempotent and silent when both are already there. CI runs it as root.
set -eu

XMOD=/usr/share/gocode/src/golang.org/x/mod
PACKAGES="golang-go golang-golang-x-mod-dev"

if command -v go >/dev/null 2>&1 && [ -f "$XMOD/sumdb/tlog/tile.go" ]; then
  exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

echo "setup-go: installing $PACKAGES" >&2
# shellcheck disable=SC2086 # PACKAGES is a word list
if ! $SUDO apt-get install -y -q $PACKAGES >/dev/null 2>&1; then
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q $PACKAGES >/dev/null
fi
echo "setup-go: $(go version), golang.org/x/mod in $XMOD" >&2
