FROM ubuntu:22.04 AS build
RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*

FROM ubuntu:22.04
# want PL202
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/bin/gcc /usr/bin/gcc
