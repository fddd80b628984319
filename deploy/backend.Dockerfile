# syntax=docker/dockerfile:1
# The Lexikon API. Build from the repository root (the build context; see /.dockerignore):
#   docker build -f deploy/backend.Dockerfile -t lexikon-backend .
# It runs the TypeScript sources directly with Node 24's type stripping: there is no compile step, so the
# image is the production dependencies plus backend/src, contracts/src and the SQL migrations.

# The official Node image, pinned to a release. Production builds should pin its digest as well
# (node:24.21.0-bookworm-slim@sha256:…, kept current by Renovate or Dependabot): this repository is built
# and tested on a machine that reaches no image registry, so no digest could be looked up or checked, and
# an unchecked digest would be worse than none.
FROM node:24.21.0-bookworm-slim AS base
WORKDIR /app

# ---- Production dependencies, exactly as the lockfile says ----------------------------------------------
FROM base AS deps
# Only the manifests of the workspaces the API needs: with frontend/package.json absent, `npm ci
# --workspace backend` installs the API's tree and nothing of the web app's (nor the root's devDependencies,
# such as the `node` binary package npm scripts use on older hosts).
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY backend/package.json backend/
# No install scripts run: none of the API's dependencies has one (argon2 ships its binary as a platform
# package), and a build that runs none cannot be hijacked by one.
# Source maps and type declarations are a third of the tree and never loaded at run time: deleted in the
# same step, they never reach a layer.
# Behind a TLS-intercepting proxy, hand npm the proxy's CA as a build secret (mounted for this step only,
# never stored in a layer): docker build --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=ca-certificates,target=/run/secrets/ca-certificates \
    if [ -s /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --workspace backend --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete

# ---- Runtime ------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
# Root owns the code and the dependencies; the server, running as the base image's `node` user, can read
# them but not change them. /app/data is the one writable place (embedded PGlite when no
# DATABASE_URL is given; unused with PostgreSQL).
# The whole install: manifests, node_modules, and a workspace's nested node_modules should npm need one.
COPY --from=deps /app /app
COPY contracts/src contracts/src
COPY backend/drizzle backend/drizzle
COPY backend/src backend/src
RUN mkdir data && chown 1000:1000 data
# `node` (1000:1000 in the base image), by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
EXPOSE 8000
# The server drains requests in flight and closes the database pool on SIGTERM (close-with-grace).
STOPSIGNAL SIGTERM
# /ready checks the database too. Slim images have no curl: Node's own fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run at start under a PostgreSQL advisory lock: replicas starting together are safe.
CMD ["node", "backend/src/main.ts"]
