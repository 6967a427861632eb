# Parley worker image: compiled JavaScript, production dependencies only, runs as a non-root user.
# Node 26 is the Active LTS line (nodejs/Release schedule.json: LTS from 2026-10-28, maintenance from
# 2027-10-20, end of life 2029-04-30); Node 20 reached end of life on 2026-04-30. The major is pinned,
# so rebuilding picks up its security releases. trixie (Debian 13) is the Node 26 images' default
# Debian and is supported past Node 26's end of life, unlike bookworm.
ARG NODE_IMAGE=node:26-trixie-slim

# Production dependencies alone, in a stage of their own. --omit=optional as well: cosmiconfig
# (under mjml-core's htmlnano) names typescript as an optional peer, and since typescript is also
# our devDependency npm marks it devOptional and keeps it under --omit=dev alone (23 MB, never
# loaded). No production dependency needs an optional package (test/production-deps.test.ts and
# the README's check of the build against these dependencies).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node sequences ./sequences
COPY --chown=node:node segments ./segments
USER node
# Liveness: /healthz answers while the process serves HTTP (node's fetch; the image has no curl).
# It needs the web server on (WEB_PORT not 0) and listening on loopback or all interfaces (WEB_HOST
# 127.0.0.1, the default, or 0.0.0.0). /readyz (MongoDB, IMAP, SMTP) is for orchestrators' readiness
# probes: see docker-compose.yml. On SIGTERM the worker finishes within SHUTDOWN_TIMEOUT_MS (30 s):
# give `docker stop` / Kubernetes a longer grace period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WEB_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]
