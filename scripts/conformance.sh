#!/usr/bin/env bash
# Runs the official MCP conformance suites against `hubgate http` (dist/ must be built):
#   @modelcontextprotocol/conformance 0.1.16, every server scenario (the 2025 era), and
#   0.2.0-alpha.12 with --requirements 2026-07-28 (what the 2026-07-28 revision requires).
# Both need Node 22: it comes from the npm package node@22, installed with the suites in
# conformance/ (a package of its own, so that its node stays off the PATH of hubgate's scripts,
# which run on Node 20). Scenarios that cannot apply to a Docker Hub server (fixture tools,
# prompts, resources) are listed, with why, in conformance/not-applicable-*.yaml; any other
# failure, or a listed scenario that starts passing, exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x conformance/node_modules/.bin/node ]; then
  npm ci --prefix conformance --no-audit --no-fund --silent
fi
node22="conformance/node_modules/.bin/node"
suite2025="conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"
suite2026="conformance/node_modules/conformance-2026/dist/index.js"

PORT="${CONFORMANCE_PORT:-18181}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/hubgate.yaml" <<'YAML'
agents:
  conformance:
    grants:
      - { resource: "repo:*/*", access: read }
      - { resource: catalog, access: read }
YAML
# The suites' clients send no key: their requests act as the agent above.
node dist/cli.js http --config "$work/hubgate.yaml" --port "$PORT" --allow-anonymous conformance \
  --rate-limit 100000 \
  --log-level error >"$work/hubgate.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  node -e "fetch('http://127.0.0.1:$PORT/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  sleep 0.1
done

status=0
echo "── 2025 era: @modelcontextprotocol/conformance 0.1.16, every server scenario"
"$node22" "$suite2025" server --url "http://localhost:$PORT/mcp" \
  --expected-failures conformance/not-applicable-2025.yaml 2>/dev/null | grep -E '^(✓|✗|Total)' || status=1
echo "── 2026-07-28: @modelcontextprotocol/conformance 0.2.0-alpha.12 --requirements 2026-07-28"
"$node22" "$suite2026" server --url "http://localhost:$PORT/mcp" --requirements 2026-07-28 \
  --expected-failures conformance/not-applicable-2026.yaml 2>/dev/null | grep -E '^(✓|✗|Total)' || status=1
exit $status
