# The emulator as a container, installed from the packed tarball (what `npm pack` writes), so the
# image holds exactly what an `npm install fastio-emulator` would:
#
#   npm ci && npm pack && docker build -t fastio-emulator .
#   docker run --rm -p 3278:3278 -e FASTIO_EMULATOR_CONTROL_TOKEN=dev fastio-emulator
#
# test/package/pack-install.test.ts installs the same tarball into an empty project and runs this
# file's CMD and HEALTHCHECK commands there (the test machine has no Docker).
FROM node:20-slim

COPY fastio-emulator-*.tgz /tmp/
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/fastio-emulator-*.tgz \
 && rm /tmp/fastio-emulator-*.tgz \
 && npm cache clean --force

# Generated scenarios (`--seed large`) go to the user's cache folder, never into the package.
USER node
WORKDIR /home/node
ENV FASTIO_EMULATOR_PORT=3278
EXPOSE 3278

# The health route needs no token; the check runs inside the container, on loopback.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FASTIO_EMULATOR_PORT}/_emulator/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["fastio-emulator", "start", "--host", "0.0.0.0"]
