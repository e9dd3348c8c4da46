package rules

import (
	"context"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

func TestPL104(t *testing.T) {
	runLintCases(t, "PL104", []lintCase{
		{name: "unpinned", src: "FROM debian:bookworm\nRUN apt-get install -y --no-install-recommends curl git=1:2.39.2-1.1\n", want: []string{"PL104@2"}},
		{name: "pinned", src: "FROM debian:bookworm\nRUN apt-get install -y -o Dpkg::Options::=--force-confnew curl=7.88.1-10\n"},
		{name: "deb file", src: "FROM debian:bookworm\nRUN apt-get install -y ./pkg.deb\n"},
	})
}

func TestPL104OffByDefault(t *testing.T) {
	res, err := Lint(context.Background(), Input{Path: "Dockerfile", Data: []byte("FROM debian:bookworm\nRUN apt-get install -y curl\n")}, Options{Rules: []Rule{PL104{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("PL104 is off by default, got %v", res.Findings)
	}
	if (PL104{}).Meta().Severity != finding.Off {
		t.Error("PL104 default severity must be off")
	}
}
