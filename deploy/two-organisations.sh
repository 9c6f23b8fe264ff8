#!/usr/bin/env bash
# two-organisations.sh starts two Buurtpleinen side by side with the binary,
# each with its own data dir, port and replica directory: one instance per
# organisation (docs/OPERATIONS.md). With --demo each gets the demo
# organisation, to try it out. Ctrl-C stops both.
#
#	deploy/two-organisations.sh [--demo]    # from the source: go run .
#	BUURTPLEIN=/usr/local/bin/buurtplein FIRST_PORT=9001 deploy/two-organisations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=auto

bin=${BUURTPLEIN:-}
if [ -z "$bin" ]; then
	bin=$(mktemp -d)/buurtplein
	go build -o "$bin" .
fi
root=${ORGANISATIONS_DIR:-./organisations}

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
port=${FIRST_PORT:-8091}
for org in haarlem leiden; do
	mkdir -p "$root/$org"
	"$bin" serve "$@" --http "127.0.0.1:$port" --dir "$root/$org/pb_data" \
		--replica "$root/$org/replica" >"$root/$org/server.log" 2>&1 &
	pids+=($!)
	echo "$org: http://127.0.0.1:$port (data $root/$org/pb_data, log $root/$org/server.log)"
	port=$((port + 1))
done
wait
