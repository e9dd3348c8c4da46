FROM debian:bookworm-slim
WORKDIR /opt
ADD https://example.com/models/resnet50.tar.gz /opt/
RUN curl -fsSLo /tmp/cuda.run https://example.com/cuda.run
# want PL205
RUN sh /tmp/cuda.run --silent && rm -f /tmp/cuda.run
# want PL205
RUN tar xzf resnet50.tar.gz && rm resnet50.tar.gz
