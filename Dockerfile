# Berth's worker and API. Build: docker build -t berth .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# jemalloc gives freed memory back; glibc's malloc keeps it (README, "Performance"). scripts/start-berth.sh preloads it.
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/start-berth.sh ./scripts/
# The worker reaches Docker through the mounted socket: give it the socket's group
# (docker-compose.temporal.yml: group_add with DOCKER_GID).
USER node
ENTRYPOINT ["bash", "scripts/start-berth.sh"]
CMD ["all"]
