package buildflags

import (
	"fmt"
	"strings"
)

// ParseBuildArg parses KEY=VALUE, or KEY alone to take the value from the
// environment (lookup), as docker build does. A KEY absent from the
// environment is skipped (ok false).
func ParseBuildArg(s string, lookup func(string) (string, bool)) (key, value string, ok bool, err error) {
	k, v, hasValue := strings.Cut(s, "=")
	if k == "" || strings.ContainsAny(k, " \t") {
		return "", "", false, fmt.Errorf("--build-arg %q: want KEY=VALUE", s)
	}
	if !hasValue {
		v, ok = lookup(k)
		return k, v, ok, nil
	}
	return k, v, true, nil
}

// ParseLabel parses KEY=VALUE.
func ParseLabel(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return "", "", fmt.Errorf("--label %q: want KEY=VALUE", s)
	}
	return k, v, nil
}
