package rules

import "testing"

func TestPL202(t *testing.T) {
	runLintCases(t, "PL202", []lintCase{
		{name: "missing", src: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n", want: []string{"PL202@2"}},
		{name: "sudo apt", src: "FROM debian:bookworm\nRUN sudo apt install -y curl\n", want: []string{"PL202@2"}},
		{name: "present", src: "FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends curl\n"},
		{name: "option", src: "FROM debian:bookworm\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n"},
		{name: "configured earlier", src: "FROM debian:bookworm\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/norec\nRUN apt-get install -y curl\n"},
		{name: "builder stage", src: "FROM debian:bookworm AS b\nRUN apt-get install -y gcc\nFROM debian:bookworm-slim\nCOPY --from=b /out /out\n"},
		{name: "continuation lines", src: "FROM debian:bookworm\nRUN apt-get update \\\n && apt-get install -y \\\n   curl\n", want: []string{"PL202@2"}},
	})
}
