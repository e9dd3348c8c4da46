package benchgen

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// TestDefaultShape checks, without generating any bytes, that the default
// image is what issue 5 asks for: about 1.2 GB in 5 layers, ~30k entries in
// the base, hundreds of deletions, a deleted directory, an opaque directory,
// overwritten libraries and a re-added 70 MiB model.
func TestDefaultShape(t *testing.T) {
	t.Parallel()
	c := Default()
	specs := bigLayers()
	if len(specs) != 5 {
		t.Fatalf("%d layers, want 5", len(specs))
	}
	var total int64
	paths := make([]map[string]int64, len(specs))
	stats := make([]LayerStats, len(specs))
	for i, s := range specs {
		paths[i] = map[string]int64{}
		st, err := walkLayer(context.Background(), c, s, func(h *tar.Header, e entry) error {
			paths[i][h.Name] = h.Size
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		stats[i] = st
		total += st.FileBytes
	}
	if total < 1_100_000_000 || total > 1_300_000_000 {
		t.Errorf("file bytes = %d, want about 1.2 GB", total)
	}
	if e := stats[0].Entries; e < 28_000 || e > 35_000 {
		t.Errorf("base entries = %d, want about 30k", e)
	}
	if w := stats[2].Whiteouts; w < 200 || w > 1000 {
		t.Errorf("cleanup whiteouts = %d, want hundreds", w)
	}
	if stats[2].OpaqueDirs != 1 {
		t.Errorf("opaque dirs = %d, want 1", stats[2].OpaqueDirs)
	}
	if _, ok := paths[2]["usr/share/.wh.doc"]; !ok {
		t.Error("cleanup layer does not delete the usr/share/doc directory")
	}
	var overwritten int
	for p := range paths[1] {
		if strings.HasPrefix(p, libDir+"/lib") {
			if _, ok := paths[0][p]; ok {
				overwritten++
			}
		}
	}
	if overwritten < 100 {
		t.Errorf("%d libraries overwritten, want hundreds", overwritten)
	}
	const model = "opt/models/model.bin"
	if paths[1][model] != 70<<20 || paths[4][model] != 70<<20 {
		t.Errorf("model sizes %d and %d, want 70 MiB twice", paths[1][model], paths[4][model])
	}
	for _, n := range c.Whiteouts {
		wl, err := whiteoutLayer(c, n)
		if err != nil {
			t.Fatal(err)
		}
		st, err := walkLayer(context.Background(), c, wl, func(*tar.Header, entry) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if st.Whiteouts != n || st.Files != 0 {
			t.Errorf("whiteouts-%d: %d whiteouts, %d files", n, st.Whiteouts, st.Files)
		}
	}
	if _, err := whiteoutLayer(Small(), 1_000_000); err == nil {
		t.Error("a million whiteouts on the small base: no error")
	}
}

func TestContentCompressibility(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind   kind
		lo, hi float64 // gzip size / size
	}{
		{binaryKind, 0.45, 0.6},
		{text, 0.1, 0.45},
		{random, 0.99, 1.01},
	}
	for _, tt := range tests {
		const n = 1 << 20
		data, err := io.ReadAll(newContent(fileSeed(1, "x", 1), tt.kind, n))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != n {
			t.Fatalf("kind %d: %d bytes, want %d", tt.kind, len(data), n)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		if r := float64(buf.Len()) / n; r < tt.lo || r > tt.hi {
			t.Errorf("kind %d compresses to %.2f, want %.2f-%.2f", tt.kind, r, tt.lo, tt.hi)
		}
		again, _ := io.ReadAll(newContent(fileSeed(1, "x", 1), tt.kind, n))
		if !bytes.Equal(data, again) {
			t.Errorf("kind %d: not deterministic", tt.kind)
		}
		other, _ := io.ReadAll(newContent(fileSeed(1, "x", 2), tt.kind, n))
		if bytes.Equal(data, other) {
			t.Errorf("kind %d: a new version has the same bytes", tt.kind)
		}
	}
}

// TestWriteSmall writes the small set and reads every file back with
// go-containerregistry, which checks every digest and diff ID.
func TestWriteSmall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	c := Small()
	res, err := Write(ctx, dir, c, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	big := res.Image("big")
	if big == nil || len(big.Layers) != 5 {
		t.Fatalf("big image: %+v", big)
	}
	check := func(what string, img v1.Image, wantLayers int) {
		t.Helper()
		if err := validate.Image(img); err != nil {
			t.Errorf("%s: %v", what, err)
		}
		ls, err := img.Layers()
		if err != nil || len(ls) != wantLayers {
			t.Errorf("%s: %d layers (%v), want %d", what, len(ls), err, wantLayers)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		var nonEmpty int
		for _, h := range cf.History {
			if !h.EmptyLayer {
				nonEmpty++
			}
		}
		if nonEmpty != wantLayers || len(cf.History) == nonEmpty {
			t.Errorf("%s: history has %d entries, %d with a layer: want %d and some empty ones", what, len(cf.History), nonEmpty, wantLayers)
		}
	}
	for _, p := range []string{big.DockerArchive, big.DockerArchiveGzip} {
		img, err := tarball.ImageFromPath(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Base(p), img, 5)
	}
	idx, err := layout.ImageIndexFromPath(big.OCILayout)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 {
		t.Fatalf("OCI index: %v %v", im, err)
	}
	ociImg, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	check("big.oci", ociImg, 5)
	ociLayers, _ := ociImg.Layers()
	for i, l := range ociLayers {
		d, _ := l.Digest()
		diff, _ := l.DiffID()
		if d.String() != big.Layers[i].Digest || diff.String() != big.Layers[i].DiffID {
			t.Errorf("layer %d: digest %s diff %s, result says %s %s", i, d, diff, big.Layers[i].Digest, big.Layers[i].DiffID)
		}
	}

	for _, n := range c.Whiteouts {
		name := "whiteouts-" + strconv.Itoa(n)
		wr := res.Image(name)
		if wr == nil {
			t.Fatalf("no %s", name)
		}
		img, err := tarball.ImageFromPath(wr.DockerArchive, nil)
		if err != nil {
			t.Fatal(err)
		}
		check(name, img, 2)
		if wr.Layers[0].DiffID != big.Layers[0].DiffID {
			t.Errorf("%s: base layer %s differs from big's %s", name, wr.Layers[0].DiffID, big.Layers[0].DiffID)
		}
		ls, _ := img.Layers()
		rc, err := ls[1].Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		var wh int
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(h.Name, ".wh.") {
				wh++
			}
		}
		rc.Close()
		if wh != n {
			t.Errorf("%s: %d whiteouts in the tar", name, wh)
		}
	}

	// A second Write reuses the set; a forced one into another directory
	// makes the same bytes.
	st, _ := os.Stat(big.DockerArchive)
	res2, err := Write(ctx, dir, c, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(big.DockerArchive)
	if !st.ModTime().Equal(st2.ModTime()) || res2.Image("big").Layers[4].DiffID != big.Layers[4].DiffID {
		t.Error("second Write did not reuse the cached set")
	}
	res3, err := Write(ctx, t.TempDir(), c, WriteOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range res3.Image("big").Layers {
		if l.DiffID != big.Layers[i].DiffID || l.Digest != big.Layers[i].Digest {
			t.Errorf("layer %d differs between two runs: %s vs %s", i, l.DiffID, big.Layers[i].DiffID)
		}
	}
}

func TestImageInMemory(t *testing.T) {
	t.Parallel()
	img, err := Image(context.Background(), Small(), "whiteouts-3")
	if err != nil {
		t.Fatal(err)
	}
	// validate.Image assumes gzip blobs; these are plain tars, so check
	// the diff IDs and sizes by hand.
	ls, err := img.Layers()
	if err != nil || len(ls) != 2 {
		t.Fatalf("%d layers, %v", len(ls), err)
	}
	for i, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		diff, _ := l.DiffID()
		size, _ := l.Size()
		if got := hashOf(h); got != diff || n != size {
			t.Errorf("layer %d: sha256 %s size %d, layer says %s %d", i, got, n, diff, size)
		}
	}
	for _, bad := range []string{"nope", "whiteouts-x", "whiteouts-0"} {
		if _, err := Image(context.Background(), Small(), bad); err == nil {
			t.Errorf("Image(%q): no error", bad)
		}
	}
	if _, err := Image(context.Background(), Config{}, "big"); err == nil {
		t.Error("zero Config: no error")
	}
}

// TestGoldenDigests pins the small image's layers: the same Config must
// give the same bytes on every machine. When a change to the generator
// changes them on purpose, bump GeneratorVersion and update these.
func TestGoldenDigests(t *testing.T) {
	t.Parallel()
	img, err := Image(context.Background(), Small(), "big")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sha256:2d8ac066c9ab932c8ad4f13e8e45bca2bbad799777caf7e6c9ab83d4e8095598",
		"sha256:efd7c6104f03834c0ed8fcd6f6ee502837891d3f48cd0239eee60be5d7f4cb75",
		"sha256:8fa4b666699b0a12550f5ae38721d9c5d720f9e6c1390770e0cbbc0cef4bffe9",
		"sha256:6c199019574b9858f8f43a1e4eb90e59af4ef1b0861c0d8f151c8893e5bb941f",
		"sha256:bb7d251b445940356e00b0dc6910fa3103f7527d56fddfd8175dd61d79327f69",
	}
	if len(ls) != len(want) {
		t.Fatalf("%d layers, want %d", len(ls), len(want))
	}
	for i, w := range want {
		if d, _ := ls[i].DiffID(); d.String() != w {
			t.Errorf("layer %d: diff_id %s, want %s (generator version %d)", i, d, w, GeneratorVersion)
		}
	}
}
