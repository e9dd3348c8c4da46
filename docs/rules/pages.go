// Package ruledocs embeds the rule pages (PLxxx.md) so that the plimsoll
// binary can ship them: SARIF's help.markdown carries the whole page, which
// GitHub code scanning shows beside each alert.
package ruledocs

import (
	"embed"
	"strings"
)

//go:embed PL*.md
var pages embed.FS

// Page returns the markdown page of rule id ("PL201"), with links to other
// pages made absolute against base (the published docs/rules/ folder), or
// false when the rule has no page.
func Page(id, base string) (string, bool) {
	data, err := pages.ReadFile(id + ".md")
	if err != nil {
		return "", false
	}
	return strings.ReplaceAll(string(data), "](PL", "]("+base+"PL"), true
}
