#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests (pytest -m browser), from Debian.
# Idempotent: does nothing when both are installed. Run as root by scripts/install-test-deps.sh.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "chromium: $(chromium --version 2>/dev/null | head -1); chromedriver present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium: not installed and not root; run as root: apt-get install chromium chromium-driver" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# the package lists may be missing on a fresh image when this hook runs on its own
if ! apt-cache show chromium-driver >/dev/null 2>&1; then
  apt-get update -qq
fi
apt-get install -y -qq --no-install-recommends chromium chromium-driver
chromium --version 2>/dev/null | head -1 || true
