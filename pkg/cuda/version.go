// Package cuda answers the compatibility questions a Dockerfile linter asks
// about GPU images: what an nvidia/cuda tag contains, which CUDA and cuDNN a
// TensorFlow release was tested with, which CUDA variants a PyTorch release
// publishes wheels for, which Python versions either supports, which Python a
// Linux distribution ships, and which driver a CUDA toolkit needs.
//
// The facts are tables kept as data (data/*.csv, embedded), each with its
// source on its first lines; data/README.md says what was verified and how.
package cuda

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a dotted version of up to three numeric parts ("12", "12.4",
// "12.4.1"). Parts says how many were written; missing parts are zero.
type Version struct {
	Major, Minor, Patch int
	Parts               int
}

// ParseVersion reads "12", "12.4" or "12.4.1" (also "v12.4"); anything else,
// including a fourth part or a non-digit, is an error.
func ParseVersion(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if t == "" {
		return Version{}, fmt.Errorf("empty version")
	}
	fields := strings.Split(t, ".")
	if len(fields) > 3 {
		return Version{}, fmt.Errorf("version %q has more than three parts", s)
	}
	var n [3]int
	for i, f := range fields {
		if f == "" || len(f) > 9 {
			return Version{}, fmt.Errorf("version %q: bad part %q", s, f)
		}
		for _, c := range f {
			if c < '0' || c > '9' {
				return Version{}, fmt.Errorf("version %q: bad part %q", s, f)
			}
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return Version{}, fmt.Errorf("version %q: %w", s, err)
		}
		n[i] = v
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], Parts: len(fields)}, nil
}

// MustVersion is ParseVersion for literals in code and tests; it panics on a
// malformed literal.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String writes the parts that were given ("12.4", "12.4.1").
func (v Version) String() string {
	switch v.Parts {
	case 0:
		return ""
	case 1:
		return strconv.Itoa(v.Major)
	case 2:
		return fmt.Sprintf("%d.%d", v.Major, v.Minor)
	default:
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
}

// IsZero reports whether v was never set.
func (v Version) IsZero() bool { return v.Parts == 0 }

// MajorMinor drops the patch: 12.4.1 -> 12.4.
func (v Version) MajorMinor() Version {
	return Version{Major: v.Major, Minor: v.Minor, Parts: min(v.Parts, 2)}
}

// Compare orders two versions by all three parts (missing parts count as
// zero): -1, 0 or +1.
func (v Version) Compare(o Version) int {
	for _, d := range [3]int{v.Major - o.Major, v.Minor - o.Minor, v.Patch - o.Patch} {
		if d < 0 {
			return -1
		}
		if d > 0 {
			return 1
		}
	}
	return 0
}

// SameMinor reports whether v and o share major and minor.
func (v Version) SameMinor(o Version) bool { return v.Major == o.Major && v.Minor == o.Minor }

// Range is an inclusive range of major.minor versions, such as the Python
// versions a framework release publishes wheels for. Also lists versions
// outside [Min, Max] that are supported too (TensorFlow 1.x: Python 2.7).
type Range struct {
	Min, Max Version
	Also     []Version
}

// Contains reports whether v's major.minor lies in the range.
func (r Range) Contains(v Version) bool {
	mm := v.MajorMinor()
	for _, a := range r.Also {
		if a.SameMinor(mm) {
			return true
		}
	}
	return mm.Compare(r.Min.MajorMinor()) >= 0 && mm.Compare(r.Max.MajorMinor()) <= 0
}

// String writes "3.9-3.12" (with ", 2.7" style extras first).
func (r Range) String() string {
	var b strings.Builder
	for _, a := range r.Also {
		b.WriteString(a.String())
		b.WriteString(", ")
	}
	b.WriteString(r.Min.String())
	if r.Max.Compare(r.Min) != 0 {
		b.WriteString("-")
		b.WriteString(r.Max.String())
	}
	return b.String()
}

// parseRange reads "3.9-3.12", "3.10" or "2.7, 3.3-3.7".
func parseRange(s string) (Range, error) {
	var r Range
	parts := strings.Split(s, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		lo, hi, isRange := strings.Cut(p, "-")
		a, err := ParseVersion(lo)
		if err != nil {
			return Range{}, fmt.Errorf("range %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = ParseVersion(hi); err != nil {
				return Range{}, fmt.Errorf("range %q: %w", s, err)
			}
		}
		if i < len(parts)-1 {
			if isRange {
				return Range{}, fmt.Errorf("range %q: only the last part may be a span", s)
			}
			r.Also = append(r.Also, a)
			continue
		}
		r.Min, r.Max = a, b
	}
	return r, nil
}
