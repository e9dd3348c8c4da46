package buildflags

import (
	"fmt"
	"regexp"
	"strings"
)

// Variant is one --variant NAME=DOCKERFILE[:TARGET].
type Variant struct {
	Name       string
	Dockerfile string
	Target     string
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidName reports whether s can name a variant (and so appear in a tag
// suffix or file name): letters, digits, '.', '_' and '-', at most 64.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// ParseVariant parses NAME=DOCKERFILE[:TARGET]. The target is what follows
// the last ':' when it looks like a stage name (no '/').
func ParseVariant(s string) (Variant, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" || rest == "" {
		return Variant{}, fmt.Errorf("--variant %q: want NAME=DOCKERFILE[:TARGET], for example slim=Dockerfile:runtime", s)
	}
	if !ValidName(name) {
		return Variant{}, fmt.Errorf("--variant %q: name %q may hold only letters, digits, '.', '_' and '-'", s, name)
	}
	v := Variant{Name: name, Dockerfile: rest}
	if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.Contains(rest[i+1:], "/") {
		v.Dockerfile, v.Target = rest[:i], rest[i+1:]
		if v.Target == "" || v.Dockerfile == "" {
			return Variant{}, fmt.Errorf("--variant %q: want NAME=DOCKERFILE[:TARGET] with a non-empty Dockerfile and target", s)
		}
	}
	return v, nil
}
