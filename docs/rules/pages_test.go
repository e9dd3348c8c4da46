package ruledocs

import (
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	p, ok := Page("PL502", "https://example.com/docs/rules/")
	if !ok || !strings.HasPrefix(p, "# PL502") {
		t.Fatalf("PL502 page: %v %.40q", ok, p)
	}
	if strings.Contains(p, "](PL") || !strings.Contains(p, "](https://example.com/docs/rules/PL") {
		t.Errorf("links to other pages must be absolute:\n%s", p)
	}
	if _, ok := Page("PL999", ""); ok {
		t.Error("PL999 has no page")
	}
}
