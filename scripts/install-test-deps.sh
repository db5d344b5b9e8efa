#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine: the package with its test
# extras, and the system packages the server and browser tests use (hooks in .ci/install.d/).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
fi
for hook in .ci/install.d/*.sh; do
  [ -e "$hook" ] || continue
  echo "== $hook"
  bash "$hook"
done
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
