package compare

import (
	"bytes"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/analyze"
)

// FuzzParseArg: NAME=IMAGE splitting never panics, and what it accepts
// round-trips.
func FuzzParseArg(f *testing.F) {
	for _, s := range []string{"a=b", "pr=oci-layout://out/x", "=x", "x=", "a/b=c", "a=b=c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		name, ref, err := ParseArg(arg)
		if err != nil {
			return
		}
		if name == "" || ref == "" || name+"="+ref != arg {
			t.Fatalf("ParseArg(%q) = %q, %q", arg, name, ref)
		}
	})
}

// FuzzPathDeltas: any two directory lists (one "path size" per line) give
// lists within bounds, sorted by change, with no path beside its ancestor,
// and render in every format.
func FuzzPathDeltas(f *testing.F) {
	f.Add("/usr 100\n/usr/lib 90\n/app 5", "/usr 50\n/usr/lib 10\n/app 500\n/app/x 499", 3)
	f.Add("", "/a 1", 1)
	f.Add("/a -5\n/a/b 7", "/a 0", 10)
	f.Fuzz(func(t *testing.T, base, other string, top int) {
		if top > 50 || top < -1 {
			return
		}
		bd, od := parseDirs(base), parseDirs(other)
		g, s := PathDeltas(bd, od, Options{TopPaths: top})
		limit := top
		if top == 0 {
			limit = 10
		}
		if len(g) > max(limit, 0) || len(s) > max(limit, 0) {
			t.Fatalf("top %d: %d grew, %d shrank", top, len(g), len(s))
		}
		for _, list := range [][]PathDelta{g, s} {
			for i, p := range list {
				if p.DeltaBytes != p.Bytes-p.BaseBytes {
					t.Fatalf("%+v: delta is not bytes - base", p)
				}
				if i > 0 && abs(list[i-1].DeltaBytes) < abs(p.DeltaBytes) {
					t.Fatalf("not sorted: %+v", list)
				}
				for _, q := range list[:i] {
					if within(p.Path, q.Path) || within(q.Path, p.Path) {
						t.Fatalf("%s listed beside %s", p.Path, q.Path)
					}
				}
			}
		}
		r, err := Compare([]Input{{Name: "a", Analysis: &analyze.Analysis{Dirs: bd}}, {Name: "b", Analysis: &analyze.Analysis{Dirs: od}}}, Options{TopPaths: top})
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range Formats() {
			if err := Render(&bytes.Buffer{}, r, format); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func parseDirs(s string) []analyze.DirSize {
	var out []analyze.DirSize
	for _, line := range strings.Split(s, "\n") {
		p, n, ok := strings.Cut(line, " ")
		if !ok || p == "" {
			continue
		}
		var size int64
		neg := strings.HasPrefix(n, "-")
		for _, c := range strings.TrimPrefix(n, "-") {
			if c < '0' || c > '9' || size > 1<<40 {
				break
			}
			size = size*10 + int64(c-'0')
		}
		if neg {
			size = -size
		}
		out = append(out, analyze.DirSize{Path: p, SizeBytes: size})
	}
	return out
}
