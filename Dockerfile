# One image for api and worker (the command picks which). Build: docker build -t shouhu .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
COPY scripts scripts
# The console is bundled while the dev dependencies (vite, react, antd) are still installed.
RUN npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json && npx vite build apps/console --logLevel warn && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# Served at / (CONSOLE_DIR defaults to apps/console/dist beside dist/).
COPY --from=build /app/apps/console/dist apps/console/dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
