package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// tf is one tar entry of a test layer.
type tf struct {
	name string
	body string
	typ  byte // 0: regular file, or a tar type
	link string
}

func dir(name string) tf             { return tf{name: name, typ: tar.TypeDir} }
func file(name, body string) tf      { return tf{name: name, body: body} }
func whiteout(name string) tf        { return tf{name: name} }
func symlink(name, target string) tf { return tf{name: name, typ: tar.TypeSymlink, link: target} }
func hardlink(name, target string) tf {
	return tf{name: name, typ: tar.TypeLink, link: target}
}

// layerTar builds an uncompressed layer tar.
func layerTar(t testing.TB, entries ...tf) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: time.Unix(0, 0), Typeflag: e.typ, Linkname: e.link}
		switch e.typ {
		case 0:
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.body))
		case tar.TypeDir:
			h.Mode = 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mkImage stacks layers (plain tars, gzip-compressed by ggcr) into an
// image whose history says "layer N" (and has one empty-layer step first).
func mkImage(t testing.TB, layers ...[]byte) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Append(img, mutate.Addendum{History: v1.History{CreatedBy: "ENV A=1", EmptyLayer: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range layers {
		b := b
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "RUN layer " + string(rune('0'+i))}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return img
}

func analyzeImage(t testing.TB, img v1.Image) *Analysis {
	t.Helper()
	a, err := Image(context.Background(), img, Options{})
	if err != nil {
		t.Fatalf("Image: %v", err)
	}
	return a
}

// tarAdder returns a function that writes one regular file to tw.
func tarAdder(t testing.TB, tw *tar.Writer) func(name string, data []byte) {
	return func(name string, data []byte) {
		t.Helper()
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
}

// addImageBlobs adds img's layer blobs, config and manifest (in that order)
// and returns the manifest's descriptor.
func addImageBlobs(t testing.TB, add func(string, []byte), img v1.Image) v1.Descriptor {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	layers, err := img.Layers()
	must(err)
	for _, l := range layers {
		d, err := l.Digest()
		must(err)
		rc, err := l.Compressed()
		must(err)
		data, err := io.ReadAll(rc)
		must(err)
		must(rc.Close())
		add("blobs/sha256/"+d.Hex, data)
	}
	cfg, err := img.RawConfigFile()
	must(err)
	cd, err := img.ConfigName()
	must(err)
	add("blobs/sha256/"+cd.Hex, cfg)
	mf, err := img.RawManifest()
	must(err)
	md, err := img.Digest()
	must(err)
	add("blobs/sha256/"+md.Hex, mf)
	mt, err := img.MediaType()
	must(err)
	return v1.Descriptor{MediaType: mt, Digest: md, Size: int64(len(mf))}
}

// ociStream writes img as an OCI layout tar: blobs first (layers before
// config and manifest), index.json last, as a stream of one pass.
func ociStream(t testing.TB, img v1.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := tarAdder(t, tw)
	add("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	desc := addImageBlobs(t, add, img)
	idx, err := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{desc}})
	if err != nil {
		t.Fatal(err)
	}
	add("index.json", idx)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
