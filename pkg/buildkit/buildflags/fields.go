package buildflags

import (
	"encoding/csv"
	"fmt"
	"strings"
)

// fields splits a comma-separated list of key=value pairs the way buildx
// does (CSV, so a value may be quoted to hold a comma).
func fields(s string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.TrimLeadingSpace = true
	rec, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("not a comma-separated list: %w", err)
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec, nil
}

// keyValues parses "k=v,k2=v2" into a map; a field without "=" is an error
// unless bare is non-empty, in which case it is stored under the key bare.
func keyValues(s, bare string) (map[string]string, error) {
	fs, err := fields(s)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, f := range fs {
		if f == "" {
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			if bare == "" {
				return nil, fmt.Errorf("field %q is not key=value", f)
			}
			if _, dup := m[bare]; dup {
				return nil, fmt.Errorf("field %q is not key=value", f)
			}
			k, v = bare, f
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			return nil, fmt.Errorf("field %q has an empty key", f)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("key %q given twice", k)
		}
		m[k] = v
	}
	return m, nil
}
