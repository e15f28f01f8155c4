# One image for api and worker (the command picks which). Build: docker build -t shouhu .
# Node 24, the current LTS (package.json "engines" also allows 20.19+, which development machines run).
# Every runtime dependency supports 24: typeorm wants ^20.19 || ^22.13 || >=24.11, nestjs-pino >=22.12.
ARG NODE_IMAGE=node:24-bookworm-slim

# Dependencies from the lockfile (npm install honours it; npm ci rejects the lockfile npm 11 writes).
FROM ${NODE_IMAGE} AS base
WORKDIR /app
COPY package.json package-lock.json ./

# Build: every dependency (tsc, tsc-alias, vite, react, antd), then api + worker + scripts into
# dist/ and the console into apps/console/dist, as scripts/env.sh (build_api, build_console) does.
FROM base AS build
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
COPY scripts scripts
RUN npx --no-install tsc -p tsconfig.build.json \
 && npx --no-install tsc-alias -p tsconfig.build.json \
 && npx --no-install tsc -p apps/console/tsconfig.json \
 && npx --no-install vite build apps/console --logLevel warn

# Production dependencies only. argon2's prebuilt binary needs N-API 10 (Node >= 22.14): on
# Node 24 it loads as shipped, so the image needs no compiler (on Node 20 it must be compiled).
FROM base AS prod-deps
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/dist dist
# Served at / (CONSOLE_DIR defaults to apps/console/dist beside dist/).
COPY --from=build /app/apps/console/dist apps/console/dist
COPY package.json ./
# The deadline policy and the official calendars are data read at start.
COPY config config
# The evidence volume's mount point, owned by the app's user (docker-compose mounts a volume there).
RUN mkdir -p /data/attachments && chown node:node /data/attachments
# The image's own unprivileged user (uid 1000); the app writes nothing under /app.
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
