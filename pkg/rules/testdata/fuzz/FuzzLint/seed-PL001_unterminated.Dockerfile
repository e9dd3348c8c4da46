go test fuzz v1
[]byte("FROM debian:bookworm-slim\n# want PL001\nRUN <<EOF\necho this heredoc never ends\n")
