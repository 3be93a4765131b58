# syntax=docker/dockerfile:1
#
# One image for the three minqing services (case-api, case-worker, reporting).
# It holds the whole workspace and runs TypeScript directly with tsx, the way
# the services run on the host; docker-compose.yml picks the entry point:
#
#   node --import tsx services/case-api/src/server.ts
#   node --import tsx services/case-worker/src/main.ts
#   node --import tsx services/reporting/src/server.ts
#
# Build: docker build -t minqing:local .   (or `docker compose build`)

ARG NODE_IMAGE=node:20-bookworm-slim

# Only the files `pnpm install` reads, so the dependency layer below is rebuilt
# when dependencies change and not on every source edit. Every workspace
# package's package.json is needed: the lockfile covers them all.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN set -eu; \
    mkdir /manifests; \
    cp package.json pnpm-lock.yaml pnpm-workspace.yaml /manifests/; \
    if [ -f .npmrc ]; then cp .npmrc /manifests/; fi; \
    find . -mindepth 2 -name node_modules -prune -o -name package.json -print \
      | xargs -r cp --parents -t /manifests

FROM ${NODE_IMAGE}
WORKDIR /app
ENV CI=true
# A Chinese font for the evaluation sheet's PDF export (reporting, issue 13): Debian's WenQuanYi Micro Hei.
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*

COPY --from=manifests /manifests/ ./
# All dependencies, dev ones included: tsx (a root devDependency) runs the services.
# The pnpm version is the one in package.json's packageManager field.
RUN --mount=type=cache,id=minqing-npm,target=/root/.npm \
    --mount=type=cache,id=minqing-pnpm-store,target=/root/.local/share/pnpm/store \
    npx --yes pnpm@10.34.9 install --frozen-lockfile

COPY . .
# The web console, served by the case API at /.
RUN cd web && node node_modules/vite/bin/vite.js build --logLevel warn

# The services write nothing under /app (tsx caches in /tmp).
USER node

EXPOSE 8080 8081 8082
CMD ["node", "--import", "tsx", "services/case-api/src/server.ts"]
