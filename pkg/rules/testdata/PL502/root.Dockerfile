FROM debian:bookworm-slim AS rootfs
RUN true

FROM scratch
# want PL502
COPY --from=rootfs / /
COPY --from=rootfs /etc/os-release /etc/os-release
