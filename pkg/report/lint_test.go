package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

func TestLintRoundTrip(t *testing.T) {
	doc := NewLint(nil, []finding.Finding{
		{Rule: "PL201", Severity: finding.Warning, File: "Dockerfile", Line: 3, Message: "m", Aliases: []string{"DL3042"}, Fingerprint: "f1"},
		{Rule: "PL001", Severity: finding.Error, File: "b/Dockerfile", Message: "m2", Fingerprint: "f2"},
	})
	var buf bytes.Buffer
	if err := Write(&buf, doc); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"kind": "lint"`, `"files": []`, `"aliases": []`, `"severity": "warning"`, `"errors": 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
	var back Lint
	if err := Read(&buf, KindLint, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != 2 || back.Findings[0].Severity != finding.Warning || back.Summary.Warnings != 1 {
		t.Errorf("read back %+v", back)
	}
	if err := Read(strings.NewReader(out), KindBuild, &back); err == nil {
		t.Error("a lint report read as a build report")
	}
}
