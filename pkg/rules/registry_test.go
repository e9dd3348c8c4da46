package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const docsDir = "../../docs/rules"

// TestEveryRuleHasADocPage fails when a registered rule has no page under
// docs/rules, or a page lacks the parts every page has.
func TestEveryRuleHasADocPage(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		p := filepath.Join(docsDir, m.ID+".md")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("rule %s has no documentation page: write %s (what it finds, why in bytes or seconds, a bad and a good example)", m.ID, p)
			continue
		}
		doc := string(data)
		if !strings.HasPrefix(doc, "# "+m.ID) {
			t.Errorf("%s must start with \"# %s\"", p, m.ID)
		}
		for _, section := range []string{"## Why", "## Bad", "## Good"} {
			if !strings.Contains(doc, section) {
				t.Errorf("%s has no %q section", p, section)
			}
		}
		if strings.Count(doc, "```dockerfile") < 2 {
			t.Errorf("%s needs a bad and a good ```dockerfile example", p)
		}
	}
}

// TestEveryDocPageHasARule catches a page left behind by a renamed rule.
func TestEveryDocPageHasARule(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(docsDir, "PL*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		id := strings.TrimSuffix(filepath.Base(p), ".md")
		if ByID(id) == nil {
			t.Errorf("%s documents %s, which is not registered in All()", p, id)
		}
	}
}

var (
	idPattern    = regexp.MustCompile(`^PL\d{3}$`)
	aliasPattern = regexp.MustCompile(`^DL\d{4}$`)
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for _, r := range All() {
		m := r.Meta()
		if !idPattern.MatchString(m.ID) {
			t.Errorf("rule id %q is not PLnnn", m.ID)
		}
		if seen[m.ID] {
			t.Errorf("rule %s registered twice", m.ID)
		}
		seen[m.ID] = true
		if m.ID < prev {
			t.Errorf("All() must list rules in id order: %s after %s", m.ID, prev)
		}
		prev = m.ID
		if m.Summary == "" {
			t.Errorf("rule %s has no summary", m.ID)
		}
		for _, a := range m.Aliases {
			if !aliasPattern.MatchString(a) {
				t.Errorf("rule %s alias %q is not a hadolint DLnnnn code", m.ID, a)
			}
		}
		if !strings.HasSuffix(m.DocURL(), "/docs/rules/"+m.ID+".md") {
			t.Errorf("rule %s doc URL %s", m.ID, m.DocURL())
		}
	}
	if len(BuildKitRules()) < 10 {
		t.Errorf("BuildKit's rule list looks empty: %d", len(BuildKitRules()))
	}
}

// TestRulesIndexListsEveryRule keeps docs/rules/README.md's table complete.
func TestRulesIndexListsEveryRule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range All() {
		id := r.Meta().ID
		if !strings.Contains(string(data), "["+id+"]("+id+".md)") {
			t.Errorf("docs/rules/README.md does not list %s (add a row: | [%s](%s.md) | ... |)", id, id, id)
		}
	}
}
