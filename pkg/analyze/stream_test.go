package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// multiPlatformStream writes a BuildKit-style OCI tar: index.json points at
// a nested image index of two platform images (plus an attestation-like
// unknown/unknown entry), blobs in arbitrary order.
func multiPlatformStream(t *testing.T, imgs map[string]v1.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := tarAdder(t, tw)
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for arch, img := range imgs {
		addImageBlobs(t, add, img)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	// An attestation manifest, as BuildKit adds one per platform: never a
	// candidate, its blobs not even in the stream.
	att := mkImage(t, layerTar(t, file("attestation.json", "{}")))
	idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{
		Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest"},
	}})
	raw, _ := idx.RawManifest()
	id, _ := idx.Digest()
	add("blobs/sha256/"+id.Hex, raw)
	top, _ := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{{MediaType: types.OCIImageIndex, Digest: id, Size: int64(len(raw))}}})
	add("index.json", top)
	tw.Close()
	return buf.Bytes()
}

func TestFromOCIStreamPlatforms(t *testing.T) {
	t.Parallel()
	amd := mkImage(t, layerTar(t, file("amd", "1")))
	arm := mkImage(t, layerTar(t, file("arm", "22")))
	stream := multiPlatformStream(t, map[string]v1.Image{"amd64": amd, "arm64": arm})
	a, err := FromOCIStream(context.Background(), bytes.NewReader(stream), Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := arm.Digest()
	if a.SizeBytes != 2 || a.Platform != "linux/arm64" || a.Digest != want.String() {
		t.Errorf("got size %d platform %q digest %s, want the arm64 image", a.SizeBytes, a.Platform, a.Digest)
	}
	if _, err := FromOCIStream(context.Background(), bytes.NewReader(stream), Options{Platform: "linux/ppc64le"}); err == nil || !strings.Contains(err.Error(), "linux/amd64, linux/arm64") {
		t.Errorf("missing platform: err = %v", err)
	}
}

// TestFromOCIStreamIndexFanOut: nested indexes that list the same child
// many times are walked once per digest, not once per listing (16^8).
func TestFromOCIStreamIndexFanOut(t *testing.T) {
	t.Parallel()
	img := mkImage(t, layerTar(t, file("a", "1")))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := tarAdder(t, tw)
	child := addImageBlobs(t, add, img)
	child.Platform = &v1.Platform{OS: "linux", Architecture: "amd64"}
	var raw []byte
	for level := 0; level < 8; level++ {
		im := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}
		for range 16 {
			im.Manifests = append(im.Manifests, child)
		}
		raw, _ = json.Marshal(im)
		h, _, _ := v1.SHA256(bytes.NewReader(raw))
		add("blobs/sha256/"+h.Hex, raw)
		child = v1.Descriptor{MediaType: types.OCIImageIndex, Digest: h, Size: int64(len(raw))}
	}
	add("index.json", raw)
	tw.Close()
	done := make(chan error, 1)
	go func() {
		_, err := FromOCIStream(context.Background(), bytes.NewReader(buf.Bytes()), Options{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the index walk did not finish: exponential in the nesting")
	}
}
