go test fuzz v1
[]byte("FROM debian:bookworm-slim\nWORKDIR /opt\nADD https://example.com/models/resnet50.tar.gz /opt/\nRUN curl -fsSLo /tmp/cuda.run https://example.com/cuda.run\n# want PL205\nRUN sh /tmp/cuda.run --silent && rm -f /tmp/cuda.run\n# want PL205\nRUN tar xzf resnet50.tar.gz && rm resnet50.tar.gz\n")
