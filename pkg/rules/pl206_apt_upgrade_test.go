package rules

import "testing"

func TestPL206(t *testing.T) {
	runLintCases(t, "PL206", []lintCase{
		{name: "upgrade", src: "FROM debian:bookworm\nRUN apt-get update && apt-get -y upgrade\n", want: []string{"PL206@2"}},
		{name: "dist-upgrade", src: "FROM debian:bookworm\nRUN apt-get dist-upgrade -y\n", want: []string{"PL206@2"}},
		{name: "install only", src: "FROM debian:bookworm\nRUN apt-get install -y --only-upgrade openssl\n"},
		{name: "builder", src: "FROM debian:bookworm AS b\nRUN apt-get upgrade -y\nFROM scratch\nCOPY --from=b /x /x\n"},
	})
}
