package buildflags

import (
	"fmt"
	"strings"
)

// Cache is one --cache-from or --cache-to entry, in BuildKit's terms.
type Cache struct {
	// Type is registry, local, inline or gha.
	Type  string
	Attrs map[string]string
}

// ParseCache parses type=registry,ref=...,mode=max, type=local,src=DIR or
// dest=DIR, type=inline, type=gha[,scope=...]. A bare reference means
// type=registry,ref=REF, as in buildx.
func ParseCache(flag, s string) (Cache, error) {
	if s == "" {
		return Cache{}, fmt.Errorf("%s: empty value; want type=registry,ref=REF, type=local,src|dest=DIR, type=inline or type=gha", flag)
	}
	if !strings.Contains(s, "=") {
		return Cache{Type: "registry", Attrs: map[string]string{"ref": s}}, nil
	}
	kv, err := keyValues(s, "")
	if err != nil {
		return Cache{}, fmt.Errorf("%s %q: %v", flag, s, err)
	}
	c := Cache{Type: kv["type"], Attrs: kv}
	delete(c.Attrs, "type")
	switch c.Type {
	case "registry":
		if c.Attrs["ref"] == "" {
			return Cache{}, fmt.Errorf("%s %q: type=registry needs ref=", flag, s)
		}
	case "local":
		key := "dest"
		if flag == "--cache-from" {
			key = "src"
		}
		if c.Attrs[key] == "" {
			return Cache{}, fmt.Errorf("%s %q: type=local needs %s=DIR", flag, s, key)
		}
	case "inline", "gha":
	case "":
		return Cache{}, fmt.Errorf("%s %q: no type=", flag, s)
	default:
		return Cache{}, fmt.Errorf("%s %q: type %q is not registry, local, inline or gha", flag, s, c.Type)
	}
	if m, ok := c.Attrs["mode"]; ok && m != "min" && m != "max" {
		return Cache{}, fmt.Errorf("%s %q: mode %q is not min or max", flag, s, m)
	}
	return c, nil
}
