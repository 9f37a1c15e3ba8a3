# syntax=docker/dockerfile:1
# Tollgate: build the Next.js standalone output, then run it as an unprivileged user with the same
# server entry (scripts/serve.mjs: the direct gateway path), Node flags and settings as `npm start`.
#   docker build -t tollgate .
#   docker run -p 3000:3000 -v tollgate-data:/data tollgate          (embedded database in /data)
# docker-compose.yml runs two instances on PostgreSQL and Redis behind nginx (any number: --scale tollgate=N).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- dependencies (the postinstall script generates the Prisma client offline) ---------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
RUN npm ci --no-audit --no-fund

# --- build ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node scripts/prisma-generate.mjs && node node_modules/next/dist/bin/next build

# --- tools: the CLI (`npx tollgate …`) with the whole tree, for one-off jobs such as migrations ---------
#   docker build --target tools -t tollgate-tools .   docker run --env-file .env tollgate-tools db migrate
FROM build AS tools
ENV NODE_ENV=production
ENTRYPOINT ["node", "scripts/cli.mjs"]
CMD ["doctor"]

# --- runtime --------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    NEXT_MANUAL_SIG_HANDLE=true
RUN groupadd --system --gid 1001 tollgate \
 && useradd --system --uid 1001 --gid tollgate --no-create-home tollgate \
 && mkdir -p /data && chown tollgate:tollgate /data
# The traced server; static assets and public/ are not part of the trace.
COPY --from=build --chown=tollgate:tollgate /app/.next/standalone ./
COPY --from=build --chown=tollgate:tollgate /app/.next/static ./.next/static
COPY --from=build --chown=tollgate:tollgate /app/public ./public
# Migrations run at start-up (lib/db/schema-engine.ts reads these from the working directory).
# The trace cannot see files read by computed paths: the migrations, the schema engine's .wasm and
# PGlite's own data files.
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/node_modules/@prisma/schema-engine-wasm ./node_modules/@prisma/schema-engine-wasm
COPY --from=build /app/node_modules/@electric-sql/pglite ./node_modules/@electric-sql/pglite
# The server entry `npm start` runs, and what it imports beside the traced build: the direct path's
# contract and handler, the security headers, SynapseChat's WebSocket relay (ws), the Node flags.
COPY --from=build /app/scripts/serve.mjs ./scripts/serve.mjs
COPY --from=build /app/scripts/server-process.mjs ./scripts/server-process.mjs
COPY --from=build /app/scripts/synapse-ws.mjs ./scripts/synapse-ws.mjs
COPY --from=build /app/scripts/lib/direct-server.mjs ./scripts/lib/direct-server.mjs
COPY --from=build /app/scripts/lib/drain.mjs ./scripts/lib/drain.mjs
COPY --from=build /app/lib/direct-path.mjs ./lib/direct-path.mjs
COPY --from=build /app/security-headers.mjs ./security-headers.mjs
COPY --from=build /app/node_modules/ws ./node_modules/ws
USER tollgate
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# As `npm start` runs it: scripts/server-process.mjs prints `[NAME=value…] node <flags> scripts/serve.mjs`
# for this container's environment (flags in that one place), and exec makes Node PID 1 (it drains on SIGTERM).
CMD ["sh", "-c", "exec env $(node scripts/server-process.mjs)"]
