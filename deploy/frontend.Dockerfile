# syntax=docker/dockerfile:1
# The Lexikon web app (SvelteKit, adapter-node). Build from the repository root:
#   docker build -f deploy/frontend.Dockerfile -t lexikon-frontend .
# Run it with LEXIKON_API_URL pointing at the API as this container reaches it (browsers never call the
# API directly: this server does, and keeps the session in HttpOnly cookies).

# Same base as deploy/backend.Dockerfile; see there why the tag is pinned but not the digest.
FROM node:24.21.0-bookworm-slim AS base
WORKDIR /app

# ---- Build: the web app's full dependency tree, then `vite build` ------------------------------------------
FROM base AS build
# Manifests first, so editing a page does not re-run the install. The backend's manifest is left out on
# purpose: `npm ci --workspace frontend` then installs the web app's tree only.
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY frontend/package.json frontend/
# --ignore-scripts: the native tools of the build (rolldown, lightningcss, tailwind's oxide) come as
# platform packages; the one install script of the tree (@sentry/cli's binary check) is not needed.
# The optional ca-certificates secret is for builds behind a TLS-intercepting proxy (see backend.Dockerfile).
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=ca-certificates,target=/run/secrets/ca-certificates \
    if [ -s /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --workspace frontend --ignore-scripts --no-audit --no-fund
# The shared contracts are bundled into the server build; nothing of them is needed at run time.
COPY contracts/src contracts/src
COPY frontend/ frontend/
# Source maps go to Sentry only when the build has a token (frontend/vite.config.ts). Give it as a secret,
# never as a build argument (arguments stay in the image's history):
#   docker build --secret id=sentry-auth-token,env=SENTRY_AUTH_TOKEN \
#     --build-arg SENTRY_ORG=… --build-arg SENTRY_PROJECT=… -f deploy/frontend.Dockerfile .
ARG SENTRY_ORG
ARG SENTRY_PROJECT
RUN --mount=type=secret,id=sentry-auth-token,target=/run/secrets/sentry-auth-token \
    if [ -s /run/secrets/sentry-auth-token ]; then \
      SENTRY_AUTH_TOKEN="$(cat /run/secrets/sentry-auth-token)"; export SENTRY_AUTH_TOKEN; \
    fi \
 && npm run --workspace frontend build

# ---- Production dependencies: what the server bundle imports at run time -----------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY frontend/package.json frontend/
# adapter-node leaves the `dependencies` of frontend/package.json outside the bundle, so they are installed
# here. --omit=optional drops ~80 MB of build-only native binaries (rolldown, lightningcss, sentry-cli) that
# @sentry/sveltekit's optional peers drag in; the server itself loads no native module. Source maps and
# type declarations (two thirds of what is left) are never loaded at run time either.
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=ca-certificates,target=/run/secrets/ca-certificates \
    if [ -s /run/secrets/ca-certificates ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-certificates; fi \
 && npm ci --workspace frontend --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete

# ---- Runtime ------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# The whole install (node_modules, and a workspace's nested node_modules should npm ever need one).
COPY --from=deps /app /app
WORKDIR /app/frontend
COPY frontend/server.js ./
COPY --from=build /app/frontend/build build
# The base image's `node` user, by number (see backend.Dockerfile).
USER 1000:1000
EXPOSE 3000
# server.js stops accepting on SIGTERM and lets requests in flight finish.
STOPSIGNAL SIGTERM
# The sign-in page is rendered by the server on every request (and still renders when the API is down).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/login').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
