# lint target=debug
# The build stage does not ship; the debug target does.
FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build
RUN nvcc --version

FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime
COPY --from=build /usr/local/bin /usr/local/bin

# want PL403
FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS debug
RUN true
