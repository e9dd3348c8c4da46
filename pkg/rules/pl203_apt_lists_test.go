package rules

import "testing"

func TestPL203(t *testing.T) {
	runLintCases(t, "PL203", []lintCase{
		{name: "kept", src: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n", want: []string{"PL203@2"}},
		{name: "removed", src: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"},
		{name: "removed in heredoc", src: "FROM debian:bookworm\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n"},
		{name: "clean is not enough", src: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && apt-get clean\n", want: []string{"PL203@2"}},
		{name: "cache mount", src: "FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n"},
		{name: "cache mount on /var/lib/apt", src: "FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n"},
		{name: "builder", src: "FROM debian:bookworm AS b\nRUN apt-get update\nFROM scratch\nCOPY --from=b /bin/sh /sh\n"},
		{name: "later RUN removing does not help", src: "FROM debian:bookworm\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n", want: []string{"PL203@2"}},
	})
}
