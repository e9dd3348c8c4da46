FROM debian:bookworm-slim
# want PL206
RUN apt-get update && apt-get -y dist-upgrade && rm -rf /var/lib/apt/lists/*
