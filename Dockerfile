# MAC process engine: one image, two processes (see docker-compose.yml).
#
#   worker  node dist/worker.js            (the default command)
#   api     node dist/src/api/server.js    (listens on HOST:PORT, 3000 by default)
#
# Both read their configuration from environment variables (src/config.ts); the standalone
# processes require TEMPORAL_ADDRESS, MONGODB_URI and SMTP_URL, and JWT_SECRET (32+ characters)
# because the image runs with NODE_ENV=production.
#
# The worker runs the workflow bundle built here (`npm run build:bundle` → dist/workflow-bundle.js,
# WORKFLOW_BUNDLE_PATH) and logs its path and sha256; test/workflows/replay.test.ts replays the
# recorded histories on the same kind of file (MAC_REPLAY_BUNDLE: on this image's own).
#
# Debian (glibc) based on purpose: Temporal's native core bridge does not run on musl/alpine.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript with the dev dependencies ---------------------------------------
FROM ${NODE_IMAGE} AS build
# No install-time usage analytics (@scarf/scarf, pulled in by swagger-ui-dist).
ENV SCARF_ANALYTICS=false
WORKDIR /app

# Dependencies first, so this layer is reused until package*.json change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json worker.ts ./
COPY src ./src

# `npm run build` is tsc, then `npm run build:bundle`: the workflow bundle (src/workflows with the
# worker's preloaded modules, its source map inline) written to dist/workflow-bundle.js.
# tsc emits only JavaScript: the Handlebars templates are loaded at run time from the folder of
# dist/src/templates/index.js, so copy every src/templates/**/*.hbs beside it, keeping the layout
# (documents/, email/, partials/, web/), and the web pages' stylesheet beside dist/src/web. The
# checks fail the build if the layout is not as expected.
RUN npm run build \
 && (cd src && find templates -type f -name '*.hbs' -exec cp --parents {} ../dist/src/ \;) \
 && test -f dist/worker.js \
 && test -f dist/src/api/server.js \
 && test -f dist/src/workflows/index.js \
 && test -s dist/workflow-bundle.js \
 && grep -q __TEMPORAL__ dist/workflow-bundle.js \
 && test -f dist/src/templates/index.js \
 && mkdir -p dist/src/web/assets && cp src/web/assets/*.css dist/src/web/assets/ \
 && for d in documents email partials web web/partials; do \
      ls dist/src/templates/$d/*.hbs >/dev/null || exit 1; \
    done \
 && test -f dist/src/web/assets/app.css

# ---- deps: production dependencies only ---------------------------------------------------------
# The worker runs the pre-built dist/workflow-bundle.js; @temporalio/worker still carries its own
# webpack/swc bundler, so with WORKFLOW_BUNDLE_PATH unset it bundles the compiled workflows
# (dist/src/workflows) at start-up without any dev dependency.
FROM ${NODE_IMAGE} AS deps
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

# The PDF printer (src/documents/pdf.ts) runs the Chromium shipped in the npm package
# @sparticuz/chromium; besides glibc it needs NSS/NSPR and expat from the system, and a font.
# It unpacks itself into $TMPDIR on first use (CHROMIUM_DIR to choose another place).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnss3 libexpat1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Application files stay owned by root (read-only for the process); nothing is written under
# /app at run time: logs go to stdout and the worker runs the workflow bundle built above
# (dist/workflow-bundle.js, WORKFLOW_BUNDLE_PATH), read once at start.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./

# The unprivileged user that the official Node images provide (uid 1000).
USER node

EXPOSE 3000

# The worker by default; the API service overrides the command (docker-compose.yml).
# No HEALTHCHECK here: it would differ between the two processes, so compose defines the API's.
CMD ["node", "dist/worker.js"]
