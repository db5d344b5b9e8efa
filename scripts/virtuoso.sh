#!/usr/bin/env bash
# A private Virtuoso server on loopback for trying the graph on a real SPARQL server.
#   scripts/virtuoso.sh start [FOLDER]           # writes FOLDER/virtuoso.ini, starts virtuoso-t, prints the endpoint
#   scripts/virtuoso.sh load  [FOLDER] [STORE]   # bulk-loads the store's named graphs (isql-vt, ld_dir)
#   scripts/virtuoso.sh status|stop [FOLDER]
# FOLDER defaults to ${TMPDIR:-/tmp}/photonics-kg-virtuoso; STORE to the default store.
# Ports: HTTP 8890 and ISQL 1111 on 127.0.0.1 (VIRTUOSO_HTTP_PORT / VIRTUOSO_ISQL_PORT to change).
set -euo pipefail
action="${1:?usage: scripts/virtuoso.sh start|load|status|stop [FOLDER] [STORE]}"
folder="${2:-${TMPDIR:-/tmp}/photonics-kg-virtuoso}"
python="${PYTHON:-python3}"
case "$action" in
  start) exec "$python" -m photonics_kg.graph.virtuoso start --folder "$folder" \
           --http-port "${VIRTUOSO_HTTP_PORT:-8890}" --isql-port "${VIRTUOSO_ISQL_PORT:-1111}" ;;
  load)  exec "$python" -m photonics_kg.graph.virtuoso load --folder "$folder" ${3:+--store "$3"} ;;
  status|stop) exec "$python" -m photonics_kg.graph.virtuoso "$action" --folder "$folder" ;;
  *) echo "unknown action $action; allowed: start, load, status, stop" >&2; exit 2 ;;
esac
