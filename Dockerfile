# hubgate: the stdio MCP server by default (docker run -i --rm hubgate:local), or the shared HTTP
# service with `http` as the command:
#   docker run -p 8080:8080 -v $PWD/hubgate.yaml:/config/hubgate.yaml:ro hubgate:local \
#     http --host 0.0.0.0 --config /config/hubgate.yaml --allowed-hosts localhost

# Build stage: the full toolchain, from the lockfile.
FROM node:22.23.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here (prepare would build before the sources are in); the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.mjs ./scripts/bundle.mjs
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled code only, as a non-root user.
FROM node:22.23.3-bookworm-slim AS runtime
# A heap cap keeps RSS near what the service holds: without one V8 sizes the heap from the host's
# memory and collects lazily. 256 MiB leaves room for --max-sessions (1000) idle sessions.
ENV NODE_ENV=production NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
COPY docker/healthcheck.cjs ./docker/healthcheck.cjs
# In http mode /healthz must answer; in stdio mode there is no port and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
  CMD ["node", "docker/healthcheck.cjs"]
ENTRYPOINT ["node", "dist/cli.js"]
