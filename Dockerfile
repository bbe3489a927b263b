# syntax=docker/dockerfile:1
# Every service's image, built from the repository root; the service is a build argument:
#   docker build --build-arg SERVICE=users -t cinema/users .      (gateway | users | movies | catalog)
# The build stage compiles every workspace (npm run build); the image keeps the compiled JavaScript of
# the service and of the packages it uses, and its production dependencies only. docs/docker.md.
# Needs BuildKit (Docker 23+, docker compose v2): it builds only the stages SERVICE's image uses.
ARG SERVICE=gateway
ARG NODE_IMAGE=node:20-bookworm-slim

# npm ci needs the lockfile and the package.json of every workspace, not only those it installs.
# This stage keeps just those manifests, so the npm ci layers below are rebuilt only when a manifest
# or the lockfile changes, and a workspace added later needs no edit here.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY packages packages
COPY gateway gateway
COPY subgraphs subgraphs
RUN find packages gateway subgraphs -type f ! -name package.json -delete \
 && find packages gateway subgraphs -depth -type d -empty -delete

# Everything installed, every workspace compiled into its dist/, then the dist/ of each workspace an
# image may need gathered in /out, without the type declarations (packages/testing is for tests only).
# npm ci runs the root's postinstall, scripts/apply-patches.sh, which applies patches/ (patches/README.md).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches patches
COPY scripts/apply-patches.sh scripts/
COPY --from=manifests /app ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.build.base.json ./
COPY scripts/with-deps.sh scripts/build.ts scripts/
COPY packages packages
COPY gateway gateway
COPY subgraphs subgraphs
RUN npm run build \
 && for w in packages/* gateway subgraphs/*; do \
      [ "$w" = packages/testing ] || { mkdir -p "/out/$w" && cp -R "$w/dist" "/out/$w/"; }; \
    done \
 && find /out \( -name '*.d.ts' -o -name '*.tsbuildinfo' \) -delete

# What every service's image shares: the production dependencies of the one workspace SERVICE names
# (and of the workspace packages it uses, linked by npm ci), and the packages' compiled code.
# npm runs the root's postinstall here too, even with --include-workspace-root=false: patches/ and
# the script are copied first, and patch-package is a dependency of every service, so each image
# gets the patches of the packages it installs (a subgraph's: Rascal's; the gateway's: both).
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
WORKDIR /app
# HOST must be 0.0.0.0 in a container (the services default to 127.0.0.1).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_LEVEL=info
COPY package.json package-lock.json ./
COPY patches patches
COPY scripts/apply-patches.sh scripts/
COPY --from=manifests /app ./
RUN npm ci --omit=dev --workspace "@cinema/${SERVICE}" --include-workspace-root=false --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /out/packages packages
# The files stay owned by root, read-only for the service.
USER node
# Slim images have no curl: node's fetch asks the readiness endpoint (a subgraph: its MongoDB and
# RabbitMQ answer; the gateway: its supergraph is loaded).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

# One stage per service: its compiled code, its port, and the folder its command runs in. One
# process, PID 1, plain node: SIGTERM from `docker stop` reaches the service's own handler, which
# drains and closes its connections. --conditions=production makes each @cinema/* package resolve to
# its dist/.
CMD ["node", "--conditions=production", "dist/index.js"]

FROM runtime AS gateway
COPY --from=build /out/gateway gateway
# The composed supergraph, written by `npm run compose`: the build fails here if it is missing.
COPY schema/supergraph.graphql schema/supergraph.graphql
WORKDIR /app/gateway
# SUBGRAPH_URL_<NAME> (e.g. SUBGRAPH_URL_USERS=http://users:4001/graphql) overrides the routing URL
# the supergraph gives subgraph <name>; without them the gateway uses the 127.0.0.1 URLs in the file.
# The old generation's limit: gateway/src/heap.ts says why (an operator's own NODE_OPTIONS replaces it).
ENV PORT=4000 \
    SUPERGRAPH_PATH=/app/schema/supergraph.graphql \
    NODE_OPTIONS="--max-old-space-size=1024"
EXPOSE 4000

# A subgraph's MONGO_URL has no default: pass it at run time (e.g. mongodb://users-db:27017).
FROM runtime AS subgraph
ARG SERVICE
COPY --from=build /out/subgraphs/${SERVICE} subgraphs/${SERVICE}
WORKDIR /app/subgraphs/${SERVICE}
ENV MONGO_DB=${SERVICE}

FROM subgraph AS users
ENV PORT=4001
EXPOSE 4001

FROM subgraph AS movies
ENV PORT=4002
EXPOSE 4002

FROM subgraph AS catalog
ENV PORT=4003
EXPOSE 4003

# The image: the stage SERVICE names.
FROM ${SERVICE}
