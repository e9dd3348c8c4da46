package buildflags

import (
	"fmt"
	"strings"
)

// ContextKind says where a named build context comes from.
type ContextKind string

// The kinds of named context.
const (
	// ContextOCILayout is oci-layout://DIR[:TAG][@DIGEST]: an image in a
	// local OCI layout, sent to the builder through the session.
	ContextOCILayout ContextKind = "oci-layout"
	// ContextImage is docker-image://REF: another image from a registry.
	ContextImage ContextKind = "docker-image"
	// ContextDir is a local directory.
	ContextDir ContextKind = "local"
	// ContextURL is anything BuildKit resolves itself (git, https, target:).
	ContextURL ContextKind = "url"
)

// BuildContext is one --build-context NAME=VALUE.
type BuildContext struct {
	Name string
	Kind ContextKind
	// Value is the path (oci-layout, local), the image reference
	// (docker-image) or the URL as given.
	Value string
	// Tag and Digest select an image of an OCI layout (Tag "" = the only
	// image, or "latest").
	Tag    string
	Digest string
}

// ParseBuildContext parses NAME=oci-layout://DIR[:TAG][@sha256:...],
// NAME=docker-image://REF, NAME=DIR, or NAME=URL (git, https, target:).
func ParseBuildContext(s string) (BuildContext, error) {
	name, v, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || v == "" {
		return BuildContext{}, fmt.Errorf("--build-context %q: want NAME=VALUE, for example debian:bookworm-slim=oci-layout://./base", s)
	}
	if strings.ContainsAny(name, " ,=") {
		return BuildContext{}, fmt.Errorf("--build-context %q: bad name %q", s, name)
	}
	bc := BuildContext{Name: name, Value: v}
	switch {
	case strings.HasPrefix(v, "oci-layout://"):
		bc.Kind = ContextOCILayout
		p := strings.TrimPrefix(v, "oci-layout://")
		p, bc.Digest, _ = strings.Cut(p, "@")
		if bc.Digest != "" && !strings.HasPrefix(bc.Digest, "sha256:") {
			return BuildContext{}, fmt.Errorf("--build-context %q: digest %q is not a sha256 digest (sha256:HEX)", s, bc.Digest)
		}
		// A tag follows the last ':' after the last '/'.
		if i := strings.LastIndex(p, ":"); i > strings.LastIndex(p, "/") {
			p, bc.Tag = p[:i], p[i+1:]
		}
		if p == "" {
			return BuildContext{}, fmt.Errorf("--build-context %q: empty oci-layout path", s)
		}
		bc.Value = p
	case strings.HasPrefix(v, "docker-image://"):
		bc.Kind = ContextImage
		bc.Value = strings.TrimPrefix(v, "docker-image://")
		if bc.Value == "" {
			return BuildContext{}, fmt.Errorf("--build-context %q: empty image reference", s)
		}
	case isURL(v):
		bc.Kind = ContextURL
	case strings.Contains(v, "://"):
		return BuildContext{}, fmt.Errorf("--build-context %q: unknown scheme; use oci-layout://, docker-image://, a directory or a git/https URL", s)
	default:
		bc.Kind = ContextDir
	}
	return bc, nil
}

func isURL(v string) bool {
	for _, p := range []string{"https://", "http://", "git://", "git@", "ssh://", "target:", "input:"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}
