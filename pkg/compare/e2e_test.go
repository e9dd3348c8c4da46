package compare

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/image"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// tarLayer makes a gzip layer from name -> size (size < 0: a directory;
// a ".wh." name: a whiteout).
func tarLayer(t *testing.T, files []tfile) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: f.size, Typeflag: tar.TypeReg}
		if f.size < 0 {
			h.Typeflag, h.Size, h.Mode = tar.TypeDir, 0, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write(bytes.Repeat([]byte{byte(len(f.name))}, int(h.Size))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type tfile struct {
	name string
	size int64
}

// writeLayout writes an image of the given layers as an OCI layout in a
// temp dir and returns its oci-layout:// reference.
func writeLayout(t *testing.T, layers ...[]tfile) string {
	t.Helper()
	img := empty.Image
	for i, files := range layers {
		var err error
		img, err = mutate.Append(img, mutate.Addendum{Layer: tarLayer(t, files), History: v1.History{CreatedBy: "RUN step " + string(rune('a'+i))}})
		if err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return "oci-layout://" + dir
}

// TestCompareImages analyses two real images (OCI layouts) and one
// analysis report, and checks the deltas and the paths that changed.
func TestCompareImages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := []tfile{
		{"usr/", -1}, {"usr/lib/", -1}, {"usr/lib/libx.so", 10_000}, {"usr/share/", -1}, {"usr/share/doc/", -1},
		{"usr/share/doc/x/", -1}, {"usr/share/doc/x/README", 4_000},
	}
	single := writeLayout(t, base,
		[]tfile{{"app/", -1}, {"app/main.py", 300}, {"root/", -1}, {"root/.cache/", -1}, {"root/.cache/pip", 20_000}},
		[]tfile{{"usr/", -1}, {"usr/share/", -1}, {"usr/share/.wh.doc", 0}})
	multi := writeLayout(t, base,
		[]tfile{{"app/", -1}, {"app/main.py", 600}, {"app/models/", -1}, {"app/models/m.bin", 50_000}})

	in1, err := Load(ctx, "single", single, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The second side goes through an analysis report file, as in CI.
	in2, err := Load(ctx, "multi", multi, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reportFile := filepath.Join(t.TempDir(), "multi.json")
	if err := report.WriteFile(reportFile, analyze.NewReport(in2.Analysis)); err != nil {
		t.Fatal(err)
	}
	in2r, err := Load(ctx, "multi", reportFile, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if in2r.Analysis.SizeBytes != in2.Analysis.SizeBytes || len(in2r.Analysis.Dirs) != len(in2.Analysis.Dirs) {
		t.Fatalf("the report read back differs: %+v vs %+v", in2r.Analysis, in2.Analysis)
	}

	r, err := Compare([]Input{in1, in2r}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, m := r.Images[0], r.Images[1]
	if s.Layers != 3 || m.Layers != 2 {
		t.Errorf("layers = %d, %d; want 3, 2", s.Layers, m.Layers)
	}
	if m.Deltas["layers"].Abs != -1 {
		t.Errorf("layers delta = %+v", m.Deltas["layers"])
	}
	if got, want := m.Deltas["size_bytes"].Abs, float64(m.SizeBytes-s.SizeBytes); got != want || got == 0 {
		t.Errorf("size delta = %v, want %v (non-zero)", got, want)
	}
	// single deletes a 4 kB README (reclaimable); multi wastes nothing.
	if s.ReclaimableBytes < 4_000 || m.ReclaimableBytes != 0 {
		t.Errorf("reclaimable = %d, %d", s.ReclaimableBytes, m.ReclaimableBytes)
	}
	if d := m.Deltas["reclaimable_bytes"]; d.Abs != -float64(s.ReclaimableBytes) || d.Pct == nil || *d.Pct != -100 {
		t.Errorf("reclaimable delta = %+v", d)
	}
	// /app grew by 50,300 bytes, 50,000 of them in /app/models: the
	// drill-down shows /app/models. multi keeps the docs single deleted.
	if got := paths(m.Grew); got != "/app/models /usr/share/doc/x" {
		t.Errorf("grew = %q, want /app/models /usr/share/doc/x", got)
	}
	if got := paths(m.Shrank); got != "/root/.cache" {
		t.Errorf("shrank = %q, want /root/.cache", got)
	}
	if len(m.Grew) == 2 && (m.Grew[0].DeltaBytes != 50_000 || m.Grew[0].DeltaPct != nil || m.Grew[1].DeltaBytes != 4_000) {
		t.Errorf("grew = %+v", m.Grew)
	}

	var md bytes.Buffer
	if err := Render(&md, r, "markdown"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| Layers | 3 | 2 | ▼ -1 (-33.3%) |") {
		t.Errorf("markdown lacks the layers row:\n%s", md.String())
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	empty2 := filepath.Join(dir, "empty.json")
	if err := report.WriteFile(empty2, analyze.NewReport()); err != nil {
		t.Fatal(err)
	}
	two := filepath.Join(dir, "two.json")
	if err := report.WriteFile(two, analyze.NewReport(&analyze.Analysis{Image: "a", Platform: "linux/amd64"}, &analyze.Analysis{Image: "b", Platform: "linux/arm64"})); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref  string
		o    LoadOptions
		want string
	}{
		{empty2, LoadOptions{}, "holds no analysis"},
		{two, LoadOptions{}, "pick one with --platform"},
		{"oci-layout://" + filepath.Join(dir, "nope"), LoadOptions{}, "opening"},
	}
	for _, tt := range tests {
		if _, err := Load(ctx, "x", tt.ref, tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%s): err = %v, want %q", tt.ref, err, tt.want)
		}
	}
	in, err := Load(ctx, "x", two, LoadOptions{Image: image.Options{Platform: "linux/arm64"}})
	if err != nil || in.Analysis.Image != "b" {
		t.Errorf("--platform linux/arm64 picked %+v, %v", in.Analysis, err)
	}
	for _, bad := range []string{"noequals", "=img", "a=", "a/b=img", "a:b=img"} {
		if _, _, err := ParseArg(bad); err == nil {
			t.Errorf("ParseArg(%q): no error", bad)
		}
	}
	if n, r, err := ParseArg("pr=registry.example/x:1=2"); err != nil || n != "pr" || r != "registry.example/x:1=2" {
		t.Errorf("ParseArg = %q %q %v", n, r, err)
	}
}

// TestLoadReports: a build report alone stands for its variants, NAME=REPORT
// takes the variant called NAME, and an analysis report works the same.
func TestLoadReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	small := writeLayout(t, []tfile{{"a", 100}})
	large := writeLayout(t, []tfile{{"a", 100}}, []tfile{{"b", 5000}})
	dir := t.TempDir()
	build := filepath.Join(dir, "build.json")
	variant := func(name, ref string) report.Variant {
		return report.Variant{Name: name, Status: report.StatusOK, Outputs: []report.Output{{Type: report.OutputOCILayout, Path: strings.TrimPrefix(ref, "oci-layout://")}}}
	}
	b := report.Build{Header: report.NewHeader(report.KindBuild), Variants: []report.Variant{variant("single", large), variant("multi", small)}}
	if err := report.WriteFile(build, b); err != nil {
		t.Fatal(err)
	}
	names := func(ins []Input) string {
		var s []string
		for _, in := range ins {
			s = append(s, fmt.Sprintf("%s:%d", in.Name, len(in.Analysis.Layers)))
		}
		return strings.Join(s, " ")
	}
	ins, err := LoadAll(ctx, []string{build}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(ins); got != "single:2 multi:1" {
		t.Errorf("build report alone: %s", got)
	}
	ins, err = LoadAll(ctx, []string{"multi=" + build, "single=" + build}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(ins); got != "multi:1 single:2" {
		t.Errorf("NAME=build report: %s", got)
	}
	if _, err := LoadAll(ctx, []string{"other=" + build, "single=" + build}, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "holds 2 images") {
		t.Errorf("a name that is no variant: err = %v", err)
	}

	// The same through an analysis report holding both.
	analyses := filepath.Join(dir, "analyses.json")
	all, _ := LoadAll(ctx, []string{build}, LoadOptions{})
	if err := report.WriteFile(analyses, analyze.NewReport(all[0].Analysis, all[1].Analysis)); err != nil {
		t.Fatal(err)
	}
	ins, err = LoadAll(ctx, []string{analyses}, LoadOptions{})
	if err != nil || names(ins) != "single:2 multi:1" {
		t.Errorf("analysis report alone: %v %v", names(ins), err)
	}
	ins, err = LoadAll(ctx, []string{"multi=" + analyses, "x=" + large}, LoadOptions{})
	if err != nil || names(ins) != "multi:1 x:2" {
		t.Errorf("NAME=analysis report: %v %v", names(ins), err)
	}
	r, err := Compare(ins, Options{})
	if err != nil || r.Images[1].Deltas["layers"].Abs != 1 {
		t.Errorf("compare: %+v %v", r, err)
	}

	for _, args := range [][]string{{"a=" + small}, {}, {"a=" + small, "a=" + large}} {
		if err := CheckArgs(args); err == nil {
			t.Errorf("CheckArgs(%q): no error", args)
		}
	}
}
