# Troupe image: build with the full toolchain, run on a slim Node 20 as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY actors ./actors
COPY proto ./proto
COPY bench ./bench
COPY test ./test
RUN npm run build && npm prune --omit=dev && node dist/src/cli.js prepare

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /troupe
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY data/migrations ./data/migrations
COPY data/config.reference.yml ./data/config.reference.yml
RUN ln -s /troupe/dist/src/cli.js /usr/local/bin/troupe && chmod +x /troupe/dist/src/cli.js \
 && mkdir -p /troupe/data/modules && chown -R node:node /troupe/data
USER node
VOLUME ["/troupe/data"]
EXPOSE 7350 7351
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["troupe", "healthcheck"]
ENTRYPOINT ["troupe"]
CMD ["--data_dir", "/troupe/data"]
