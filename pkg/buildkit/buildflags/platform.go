package buildflags

import (
	"fmt"
	"strings"

	"github.com/containerd/platforms"
)

// ParsePlatforms parses --platform values (each may be a comma list) into
// normalized OS/ARCH[/VARIANT] strings, without duplicates.
func ParsePlatforms(values []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			spec, err := platforms.Parse(p)
			if err != nil {
				return nil, fmt.Errorf("--platform %q: not a platform; want for example linux/amd64 or linux/arm64", p)
			}
			s := platforms.Format(platforms.Normalize(spec))
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}
