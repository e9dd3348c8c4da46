package analyze_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/image"
	"github.com/plimsoll/plimsoll/pkg/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// reclaimDockerfile builds, through the real buildkitd, one layer per kind
// of waste a squash reclaims: a deleted file (100000 B), a deleted
// directory (1000 + 2000 B), an opaque directory (4000 B hidden), an
// overwritten file (5000 B) and an identical re-add (6000 B).
const reclaimDockerfile = `FROM busybox
RUN head -c 100000 /dev/urandom > /big
RUN rm /big
RUN mkdir -p /d/sub && head -c 1000 /dev/urandom > /d/a && head -c 2000 /dev/urandom > /d/sub/b
RUN rm -rf /d
RUN mkdir /o && head -c 4000 /dev/urandom > /o/a
RUN rm -rf /o && mkdir /o && echo new > /o/n
RUN head -c 5000 /dev/urandom > /f
RUN head -c 7000 /dev/urandom > /f
COPY model.bin /m
RUN chmod 600 /m
`

var reclaimFiles = map[string]string{"model.bin": strings.Repeat("w", 6000)}

func checkReclaim(t *testing.T, a *analyze.Analysis) {
	t.Helper()
	cats := map[string]int64{}
	for _, c := range a.Waste {
		cats[c.Category] = c.ReclaimableBytes
	}
	want := map[string]int64{
		analyze.CatDeleted:     100000 + 1000 + 2000 + 4000,
		analyze.CatOverwritten: 5000,
		analyze.CatDuplicate:   6000,
	}
	for cat, n := range want {
		if cats[cat] != n {
			t.Errorf("%s reclaimable = %d, want %d", cat, cats[cat], n)
		}
	}
	if a.ReclaimableBytes != 118000 {
		t.Errorf("reclaimable = %d, want 118000 (waste %+v)", a.ReclaimableBytes, a.Waste)
	}
	if len(a.Layers) != 11 {
		t.Errorf("%d layers, want 11 (busybox + 10 steps)", len(a.Layers))
	}
	if got := a.Layers[2].CreatedBy; !strings.Contains(got, "rm /big") {
		t.Errorf("layer 2 created_by = %q, want the rm /big step", got)
	}
}

// TestReclaimableBuildKit checks true reclaimable bytes on an image built
// by the real buildkitd and exported as an OCI layout.
func TestReclaimableBuildKit(t *testing.T) {
	res, err := testenv.Build(t, reclaimDockerfile, reclaimFiles)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Logs)
	}
	srcs, err := image.Open(context.Background(), "oci-layout://"+res.Layout, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := analyze.Image(context.Background(), srcs[0].Image, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkReclaim(t, a)
}

// TestFromOCIStreamBuildKit builds with the oci exporter writing into a
// pipe and analyzes the stream as it comes (plimsoll build's --output none
// path): nothing touches the disk.
func TestFromOCIStreamBuildKit(t *testing.T) {
	b := testenv.BuildKit(t)
	ctxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(reclaimDockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range reclaimFiles {
		if err := os.WriteFile(filepath.Join(ctxDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pr, pw := io.Pipe()
	type result struct {
		a   *analyze.Analysis
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := analyze.FromOCIStream(ctx, pr, analyze.Options{})
		pr.CloseWithError(err)
		done <- result{a, err}
	}()
	err := solveToWriter(ctx, t, b.Client, ctxDir, pw)
	pw.CloseWithError(err)
	r := <-done
	if err != nil {
		t.Fatalf("solve: %v", err)
	}
	if r.err != nil {
		t.Fatalf("FromOCIStream: %v", r.err)
	}
	checkReclaim(t, r.a)
}

// solveToWriter runs the dockerfile.v0 frontend with an oci exporter whose
// output is w.
func solveToWriter(ctx context.Context, t *testing.T, c *client.Client, ctxDir string, w io.WriteCloser) error {
	opt, err := testenv.FrontendSolveOpt(ctxDir, filepath.Join(ctxDir, "Dockerfile"), testenv.NamedContexts(t))
	if err != nil {
		return err
	}
	opt.Exports = []client.ExportEntry{{
		Type:   client.ExporterOCI,
		Output: func(map[string]string) (io.WriteCloser, error) { return w, nil },
	}}
	ch := make(chan *client.SolveStatus)
	go func() {
		for range ch {
		}
	}()
	_, err = c.Solve(ctx, nil, opt, ch)
	return err
}
