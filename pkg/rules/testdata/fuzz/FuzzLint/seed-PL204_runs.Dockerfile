go test fuzz v1
[]byte("FROM debian:bookworm-slim\nRUN useradd -m app\n# want PL204\nRUN mkdir -p /data && chown app /data\nWORKDIR /data\nRUN echo one\n# a comment does not separate layers\n# want PL204\nRUN echo two\n")
