FROM debian:bookworm-slim
# want PL001
RUN <<EOF
echo this heredoc never ends
