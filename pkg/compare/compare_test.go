package compare

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plimsoll/plimsoll/pkg/analyze"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestNewDelta(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		base, v    float64
		wantAbs    float64
		wantPct    float64
		wantPctNil bool
	}{
		{"growth", 100, 150, 50, 50, false},
		{"shrink", 200, 50, -150, -75, false},
		{"unchanged", 42, 42, 0, 0, false},
		{"zero base, zero value", 0, 0, 0, 0, false},
		{"zero base, growth", 0, 10, 10, 0, true},
		{"to zero", 10, 0, -10, -100, false},
		{"ratio", 0.8, 0.9, 0.1, 12.5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := NewDelta(tt.base, tt.v)
			if !near(d.Abs, tt.wantAbs) {
				t.Errorf("Abs = %v, want %v", d.Abs, tt.wantAbs)
			}
			if tt.wantPctNil {
				if d.Pct != nil {
					t.Errorf("Pct = %v, want nil", *d.Pct)
				}
				return
			}
			if d.Pct == nil || !near(*d.Pct, tt.wantPct) {
				t.Errorf("Pct = %v, want %v", d.Pct, tt.wantPct)
			}
		})
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

func dirs(kv ...any) []analyze.DirSize {
	var out []analyze.DirSize
	for i := 0; i < len(kv); i += 2 {
		out = append(out, analyze.DirSize{Path: kv[i].(string), SizeBytes: int64(kv[i+1].(int)), Files: 1})
	}
	return out
}

func paths(ps []PathDelta) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Path)
	}
	return strings.Join(s, " ")
}

func TestPathDeltas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		base, other      []analyze.DirSize
		opt              Options
		wantGrew, wantSh string
	}{
		{
			name:     "a dominant child is shown instead of its parents",
			base:     dirs("/app", 10, "/app/.venv", 5, "/app/.venv/lib", 5, "/app/src", 5),
			other:    dirs("/app", 110, "/app/.venv", 104, "/app/.venv/lib", 104, "/app/src", 6),
			wantGrew: "/app/.venv/lib /app/src",
		},
		{
			name:     "a change spread over children is shown at the parent",
			base:     dirs("/usr", 100, "/usr/lib", 50, "/usr/share", 50),
			other:    dirs("/usr", 200, "/usr/lib", 100, "/usr/share", 100),
			wantGrew: "/usr",
		},
		{
			name:     "growth and shrink under one parent are both shown",
			base:     dirs("/usr", 100, "/usr/lib", 50, "/usr/share", 50),
			other:    dirs("/usr", 140, "/usr/lib", 150, "/usr/share", 0),
			wantGrew: "/usr/lib",
			wantSh:   "/usr/share",
		},
		{
			name:   "a directory that is gone",
			base:   dirs("/opt", 70, "/opt/models", 70, "/var", 5),
			other:  dirs("/var", 5),
			wantSh: "/opt/models",
		},
		{
			name:     "a new directory, and ties sorted by path",
			base:     dirs("/etc", 1),
			other:    dirs("/etc", 1, "/b", 10, "/a", 10),
			wantGrew: "/a /b",
		},
		{
			name:     "top bounds each list",
			base:     nil,
			other:    dirs("/a", 3, "/b", 2, "/c", 1),
			opt:      Options{TopPaths: 2},
			wantGrew: "/a /b",
		},
		{
			name:  "no paths wanted",
			other: dirs("/a", 3),
			opt:   Options{TopPaths: -1},
		},
		{
			name:  "identical",
			base:  dirs("/a", 3),
			other: dirs("/a", 3),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, s := PathDeltas(tt.base, tt.other, tt.opt)
			if got := paths(g); got != tt.wantGrew {
				t.Errorf("grew = %q, want %q", got, tt.wantGrew)
			}
			if got := paths(s); got != tt.wantSh {
				t.Errorf("shrank = %q, want %q", got, tt.wantSh)
			}
		})
	}
	// The numbers of one entry.
	g, _ := PathDeltas(dirs("/x", 200), dirs("/x", 300), Options{})
	if len(g) != 1 || g[0].BaseBytes != 200 || g[0].Bytes != 300 || g[0].DeltaBytes != 100 || g[0].DeltaPct == nil || *g[0].DeltaPct != 50 {
		t.Errorf("PathDelta = %+v", g)
	}
	g, _ = PathDeltas(nil, dirs("/x", 300), Options{})
	if len(g) != 1 || g[0].DeltaPct != nil {
		t.Errorf("new path: %+v", g)
	}
}

func TestCompareErrors(t *testing.T) {
	t.Parallel()
	a := &analyze.Analysis{}
	tests := []struct {
		name   string
		inputs []Input
		want   string
	}{
		{"one image", []Input{{Name: "a", Analysis: a}}, "at least two"},
		{"duplicate names", []Input{{Name: "a", Analysis: a}, {Name: "a", Analysis: a}}, "used twice"},
		{"no name", []Input{{Name: "a", Analysis: a}, {Ref: "img", Analysis: a}}, "NAME=img"},
		{"no analysis", []Input{{Name: "a", Analysis: a}, {Name: "b"}}, "no analysis"},
	}
	for _, tt := range tests {
		if _, err := Compare(tt.inputs, Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// fixture is the shared input of the golden tests: a single-stage image,
// a multi-stage one (smaller) and one whose analysis has no directory
// sizes (an old report).
func fixture() []Input {
	single := &analyze.Analysis{
		Image: "oci-layout://out/single", Digest: "sha256:1111",
		SizeBytes: 1_259_696_128, CompressedBytes: 727_772_160, FinalBytes: 899_425_975, Files: 33_120,
		Layers:     make([]analyze.Layer, 5),
		Efficiency: 0.712345, WastedBytes: 402_653_184, ReclaimableBytes: 380_000_000,
		Dirs: dirs("/app", 290_000_000, "/app/.venv", 285_000_000, "/app/.venv/lib", 285_000_000, "/app/src", 5_000_000,
			"/opt", 73_400_320, "/opt/models", 73_400_320,
			"/usr", 600_000_000, "/usr/include", 40_000_000, "/usr/lib", 450_000_000, "/usr/share", 110_000_000,
			"/root", 51_000_000, "/root/.cache", 51_000_000),
	}
	multi := &analyze.Analysis{
		Image: "oci-layout://out/multi", Digest: "sha256:2222",
		SizeBytes: 412_000_000, CompressedBytes: 250_000_000, FinalBytes: 411_400_320, Files: 9_800,
		Layers:     make([]analyze.Layer, 2),
		Efficiency: 0.998, WastedBytes: 0, ReclaimableBytes: 0,
		Dirs: dirs("/app", 300_000_000, "/app/.venv", 294_000_000, "/app/.venv/lib", 294_000_000, "/app/src", 6_000_000,
			"/opt", 73_400_320, "/opt/models", 73_400_320,
			"/usr", 38_000_000, "/usr/lib", 30_000_000, "/usr/share", 8_000_000),
	}
	old := &analyze.Analysis{Image: "docker-archive://old.tar", SizeBytes: 1_259_696_128, CompressedBytes: 1_259_696_128, Layers: make([]analyze.Layer, 5), Efficiency: 0.712345}
	return []Input{
		{Name: "single", Ref: "oci-layout://out/single", Analysis: single},
		{Name: "multi", Ref: "oci-layout://out/multi", Analysis: multi},
		{Name: "old|report", Ref: "old.json", Analysis: old},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	r, err := Compare(fixture(), Options{TopPaths: 5})
	if err != nil {
		t.Fatal(err)
	}
	r.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r.Tool = "plimsoll test"
	for _, f := range []struct{ format, file string }{
		{"text", "compare.golden.txt"},
		{"markdown", "compare.golden.md"},
		{"json", "compare.golden.json"},
	} {
		t.Run(f.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, r, f.format); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", f.file), buf.Bytes())
		})
	}
	if err := Render(&bytes.Buffer{}, r, "yaml"); err == nil || !strings.Contains(err.Error(), "text, markdown, json") {
		t.Errorf("unknown format: err = %v", err)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestByChange: the markdown paths table leads with the largest change
// either way; a new path counts by its whole size, not as +100%.
func TestByChange(t *testing.T) {
	grew := []PathDelta{{Path: "/srv/app", Bytes: 4000, DeltaBytes: 4000}, {Path: "/opt", BaseBytes: 1, Bytes: 9e6, DeltaBytes: 9e6 - 1}}
	shrank := []PathDelta{{Path: "/usr", BaseBytes: 500e6, Bytes: 96e6, DeltaBytes: -404e6}, {Path: "/tmp", BaseBytes: 4000, DeltaBytes: -4000}}
	var got []string
	for _, p := range byChange(grew, shrank) {
		got = append(got, p.Path)
	}
	want := []string{"/usr", "/opt", "/srv/app", "/tmp"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order %v, want %v", got, want)
	}
}
