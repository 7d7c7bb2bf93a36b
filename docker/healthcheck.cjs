// Docker HEALTHCHECK. In http mode (`http` among the container's arguments) the service's /healthz
// must answer; in stdio mode there is no port to probe and the container lives as long as its
// host's session, so the check passes.
const { readFileSync } = require('node:fs');

const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
if (!args.includes('http')) process.exit(0);
const flag = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
const port =
  flag < 0 ? '8080' : args[flag].includes('=') ? args[flag].split('=')[1] : args[flag + 1];
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
