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
# Two malloc arenas: the Temporal core's threads otherwise keep freed memory in arenas of their own (README, "Performance").
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The worker reaches Docker through the mounted socket: give it the socket's group
# (docker-compose.temporal.yml: group_add with DOCKER_GID).
USER node
CMD ["node", "dist/main.js"]
