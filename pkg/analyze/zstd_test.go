package analyze

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"
)

// TestZstdLayers reads zstd-compressed layers, through Image and through
// FromOCIStream, and gets the same numbers as with gzip.
func TestZstdLayers(t *testing.T) {
	t.Parallel()
	tars := [][]byte{
		layerTar(t, dir("d"), file("d/a", "aaaa"), file("d/b", "bbbbbbbb")),
		layerTar(t, dir("d"), whiteout("d/.wh.a"), file("d/b", "BBBB")),
	}
	img := empty.Image
	for _, b := range tars {
		b := b
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
			tarball.WithCompression(compression.ZStd), tarball.WithMediaType(types.OCILayerZStd))
		if err != nil {
			t.Fatal(err)
		}
		var err2 error
		img, err2 = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "RUN x"}})
		if err2 != nil {
			t.Fatal(err2)
		}
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	a := analyzeImage(t, img)
	if a.ReclaimableBytes != 12 {
		t.Errorf("reclaimable = %d, want 12 (d/a 4 + old d/b 8)", a.ReclaimableBytes)
	}
	if a.Layers[0].MediaType != string(types.OCILayerZStd) {
		t.Errorf("media type = %q", a.Layers[0].MediaType)
	}
	s, err := FromOCIStream(context.Background(), bytes.NewReader(ociStream(t, img)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.ReclaimableBytes != 12 || s.SizeBytes != a.SizeBytes || s.Efficiency != a.Efficiency {
		t.Errorf("stream: %+v", s)
	}
	g := analyzeImage(t, mkImage(t, tars...))
	if g.Efficiency != a.Efficiency || g.WastedBytes != a.WastedBytes || g.SizeBytes != a.SizeBytes {
		t.Errorf("gzip and zstd differ: %v/%d/%d vs %v/%d/%d", g.Efficiency, g.WastedBytes, g.SizeBytes, a.Efficiency, a.WastedBytes, a.SizeBytes)
	}
}

func zst(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
