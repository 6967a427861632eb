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
# The worker has no HTTP endpoint yet; /healthz and /readyz (and a HEALTHCHECK on them) come with
# the operations issue. Until then the container's health is its process: it exits on fatal errors.
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]
