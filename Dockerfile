# Parley worker image: compiled JavaScript, production dependencies only, runs as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
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
