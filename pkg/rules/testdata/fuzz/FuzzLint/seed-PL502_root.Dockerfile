go test fuzz v1
[]byte("FROM debian:bookworm-slim AS rootfs\nRUN true\n\nFROM scratch\n# want PL502\nCOPY --from=rootfs / /\nCOPY --from=rootfs /etc/os-release /etc/os-release\n")
