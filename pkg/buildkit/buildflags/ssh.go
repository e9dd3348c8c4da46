package buildflags

import (
	"fmt"
	"strings"
)

// SSH is one --ssh ID[=SOCKET|KEY[,SOCKET|KEY...]]. No paths means
// $SSH_AUTH_SOCK.
type SSH struct {
	ID    string
	Paths []string
}

// ParseSSH parses "default", "default=$SSH_AUTH_SOCK" or "id=key1,key2".
func ParseSSH(s string) (SSH, error) {
	id, rest, hasPaths := strings.Cut(s, "=")
	if id == "" || !ValidName(id) {
		return SSH{}, fmt.Errorf("--ssh %q: want ID[=SOCKET|KEY,...], for example default", s)
	}
	out := SSH{ID: id}
	if hasPaths {
		for p := range strings.SplitSeq(rest, ",") {
			if p = strings.TrimSpace(p); p == "" {
				return SSH{}, fmt.Errorf("--ssh %q: empty path", s)
			}
			out.Paths = append(out.Paths, p)
		}
	}
	return out, nil
}
