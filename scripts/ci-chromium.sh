#!/usr/bin/env bash
# CI: tests/browser.test.ts drives Debian's chromium at /usr/bin/chromium. Installs it with
# apt-get when it is missing (quietly; apt's output is shown only on failure). Exit 0 when
# /usr/bin/chromium is there afterwards.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-chromium: $CHROMIUM is missing and apt-get is not available (not Debian/Ubuntu?)" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "ci-chromium: installing chromium needs root (or sudo)" >&2
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Wait for another apt/dpkg run to release its lock instead of failing at once.
apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
if ! { "${apt[@]}" update && "${apt[@]}" install -y chromium; } >"$log" 2>&1; then
  echo "ci-chromium: apt-get failed:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ci-chromium: apt-get install chromium succeeded but $CHROMIUM is missing" >&2
  exit 1
fi
echo "ci-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
