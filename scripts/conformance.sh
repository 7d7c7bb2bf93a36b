#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios that apply to a domain server against
# `hubgate http`. Needs the npm registry (it installs the suite in a temporary folder) and a built
# dist/ (npm run build). Not part of npm test.
#
# The suite's 0.1.11+ releases need Node 22 (fs.globSync); 0.1.10 is the newest that runs on
# Node 20, and it has no DNS-rebinding or header-validation scenarios (hubgate's own tests in
# test/http/ cover those).
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE_VERSION="${CONFORMANCE_VERSION:-0.1.10}"
PORT="${CONFORMANCE_PORT:-18181}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

npm install --prefix "$work" --no-audit --no-fund --silent "@modelcontextprotocol/conformance@$SUITE_VERSION" >/dev/null
cat > "$work/hubgate.yaml" <<'YAML'
agents:
  conformance:
    grants:
      - { resource: "repo:*/*", access: read }
      - { resource: catalog, access: read }
YAML
# The suite's client sends no key: its requests act as the agent above.
node dist/cli.js http --config "$work/hubgate.yaml" --port "$PORT" --allow-anonymous conformance \
  --log-level warn &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

status=0
for scenario in server-initialize ping tools-list server-sse-multiple-streams server-sse-polling; do
  node "$work/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
    --url "http://localhost:$PORT/mcp" --scenario "$scenario" || status=1
done
exit $status
