FROM debian:bookworm-slim
RUN useradd -m app
# want PL204
RUN mkdir -p /data && chown app /data
WORKDIR /data
RUN echo one
# a comment does not separate layers
# want PL204
RUN echo two
