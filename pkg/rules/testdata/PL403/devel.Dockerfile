FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build
RUN nvcc --version

# want PL403
FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
COPY --from=build /usr/local/bin /usr/local/bin
