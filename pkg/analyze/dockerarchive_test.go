package analyze

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/plimsoll/plimsoll/pkg/image"
)

func openOne(t *testing.T, ref string) *Analysis {
	t.Helper()
	srcs, err := image.Open(context.Background(), ref, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Image(context.Background(), srcs[0].Image, Options{StoredUncompressed: srcs[0].StoredUncompressed})
	if err != nil {
		t.Fatal(err)
	}
	a.Stats = nil
	return a
}

// TestDockerArchiveGzip: a docker save archive with gzip layers, read as
// stored (once each), gives the numbers and the layer digests and sizes
// that go-containerregistry computes for the same image.
func TestDockerArchiveGzip(t *testing.T) {
	t.Parallel()
	img := mkImage(t,
		layerTar(t, dir("d"), file("d/a", "aaaa"), file("d/b", "bb")),
		layerTar(t, dir("d"), whiteout("d/.wh.a"), file("d/b", "BBBB")),
		layerTar(t, file("e", "eeeee")))
	want := analyzeImage(t, img)
	file := filepath.Join(t.TempDir(), "gz.tar")
	if err := tarball.WriteToFile(file, nil, img); err != nil {
		t.Fatal(err)
	}
	got := openOne(t, "docker-archive://"+file)
	if got.SizeBytes != want.SizeBytes || got.CompressedBytes != want.CompressedBytes || got.Efficiency != want.Efficiency ||
		got.WastedBytes != want.WastedBytes || got.ReclaimableBytes != want.ReclaimableBytes {
		t.Errorf("docker-archive: %+v\nin memory: %+v", got, want)
	}
	for i := range want.Layers {
		g, w := got.Layers[i], want.Layers[i]
		if g.Digest != w.Digest || g.DiffID != w.DiffID || g.CompressedBytes != w.CompressedBytes || g.SizeBytes != w.SizeBytes {
			t.Errorf("layer %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestDockerArchivePlain: dive's fixture (plain tar layers) gives the same
// analysis read as stored through image.Open as through
// go-containerregistry's uncompressed layers.
func TestDockerArchivePlain(t *testing.T) {
	t.Parallel()
	want := analyzeDockerArchive(t, diveFixture(t), Options{Name: "x"})
	want.Stats = nil
	got := openOne(t, "docker-archive://"+diveFixture(t))
	got.Image = "x"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read as stored:\n%+v\nthrough go-containerregistry:\n%+v", got, want)
	}
}

// TestDockerArchiveGzipDamaged: a damaged gzip layer of a docker save
// archive is caught (by gzip's own CRC-32 when the deflate data still
// decodes) and named.
func TestDockerArchiveGzipDamaged(t *testing.T) {
	t.Parallel()
	img := mkImage(t, layerTar(t, file("a", strings.Repeat("all work and no play ", 2000))))
	file := filepath.Join(t.TempDir(), "gz.tar")
	if err := tarball.WriteToFile(file, nil, img); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	rc, _ := layers[0].Compressed()
	blob, _ := io.ReadAll(rc)
	rc.Close()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, blob)
	if at < 0 {
		t.Fatal("layer blob not found in the archive")
	}
	data[at+len(blob)-6] ^= 0xff // in the CRC-32 / length trailer
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, err := image.Open(context.Background(), "docker-archive://"+file, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Image(context.Background(), srcs[0].Image, Options{})
	if err == nil || !strings.Contains(err.Error(), "layer 0") || !strings.Contains(err.Error(), "gzip") {
		t.Fatalf("err = %v, want a corrupt gzip layer 0", err)
	}
	t.Log(err)
}
