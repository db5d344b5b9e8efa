#!/usr/bin/env bash
# Virtuoso Open Source from Debian's packages, for the tests marked `server` (tests/test_virtuoso.py).
# Idempotent; run as root by scripts/install-test-deps.sh after `apt-get update`. The package starts
# no service: the tests run a private server on loopback (photonics_kg.graph.virtuoso).
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "virtuoso.sh: run as root to install virtuoso-opensource (the server tests will skip)" >&2
  exit 0
fi
# the package asks for a DBA password; a fresh private database uses dba/dba anyway
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" | debconf-set-selections
echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends virtuoso-opensource
