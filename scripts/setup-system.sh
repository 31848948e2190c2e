#!/usr/bin/env bash
# System packages bilat's tests need, from Debian: Chromium (headless browser tests; Playwright's
# own browser download cannot work offline, so tests use /usr/bin/chromium) and a Java runtime
# (Spark local mode).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: sudo apt-get install -y ${missing[*]} (their tests will be skipped)" >&2
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
