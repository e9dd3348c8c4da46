package analyze

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/plimsoll/plimsoll/pkg/image"
)

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// rawLayer is one layer blob of a hand-made OCI stream.
type rawLayer struct {
	blob      []byte
	mediaType string // "" = gzip OCI layer
	omit      bool   // leave the blob out of the stream
	badName   bool   // store it under a wrong digest name
	damage    bool   // store it with bytes in the middle overwritten
}

// rawOCIStream writes an OCI layout tar around arbitrary layer blobs, with
// the index.json first and the blobs after it.
func rawOCIStream(t testing.TB, layers ...rawLayer) []byte {
	t.Helper()
	type desc struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int    `json:"size"`
	}
	var ldescs []desc
	var diffIDs []string
	for _, l := range layers {
		mt := l.mediaType
		if mt == "" {
			mt = "application/vnd.oci.image.layer.v1.tar+gzip"
		}
		ldescs = append(ldescs, desc{mt, "sha256:" + sha(l.blob), len(l.blob)})
		diffIDs = append(diffIDs, "sha256:"+sha(l.blob))
	}
	cfg, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux", "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	mf, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": desc{"application/vnd.oci.image.config.v1+json", "sha256:" + sha(cfg), len(cfg)}, "layers": ldescs})
	idx, _ := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []desc{{"application/vnd.oci.image.manifest.v1+json", "sha256:" + sha(mf), len(mf)}}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	add("index.json", idx)
	add("blobs/sha256/"+sha(mf), mf)
	add("blobs/sha256/"+sha(cfg), cfg)
	for _, l := range layers {
		if l.omit {
			continue
		}
		if l.badName {
			// The manifest names the real digest; store other
			// contents under that name.
			add("blobs/sha256/"+sha(l.blob), gz(t, []byte("tampered")))
			continue
		}
		if l.damage {
			b := bytes.Clone(l.blob)
			copy(b[len(b)/2:], "XXXXXXXX")
			add("blobs/sha256/"+sha(l.blob), b)
			continue
		}
		add("blobs/sha256/"+sha(l.blob), l.blob)
	}
	tw.Close()
	return buf.Bytes()
}

// rawHeaderTar writes a tar whose entries may lie about their size.
func rawHeaderTar(t testing.TB, hdrs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Flush()
	return buf.Bytes() // no data, no trailer: a truncated stream
}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	good := gz(t, layerTar(t, file("ok", "fine")))
	corrupt := append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, bytes.Repeat([]byte{0xAB}, 64)...)
	truncatedGz := gz(t, layerTar(t, file("big", strings.Repeat("z", 100000))))
	truncatedGz = truncatedGz[:len(truncatedGz)/2]
	tests := []struct {
		name   string
		layers []rawLayer
		want   []string // substrings of the error
	}{
		{"corrupt gzip", []rawLayer{{blob: corrupt}}, []string{"layer 0", "corrupt gzip", "sha256:" + sha(corrupt)}},
		{"truncated blob", []rawLayer{{blob: truncatedGz}}, []string{"layer 0", "big", "truncated"}},
		{"digest mismatch", []rawLayer{{blob: good, badName: true}}, []string{"digest mismatch"}},
		{"damaged blob", []rawLayer{{blob: truncatedGz, damage: true}}, []string{"digest mismatch", "sha256:" + sha(truncatedGz), "corrupt or tampered"}},
		{"missing blob", []rawLayer{{blob: good}, {blob: gz(t, layerTar(t, file("x", "y"))), omit: true}}, []string{"layer 1", "missing blob"}},
		{"unknown media type", []rawLayer{{blob: good, mediaType: "application/x-cake"}}, []string{"layer 0", "unknown layer media type"}},
		{"dot-dot entry", []rawLayer{{blob: gz(t, layerTar(t, file("a/../../etc/passwd", "x")))}}, []string{"layer 0", `"a/../../etc/passwd"`, ".."}},
		{"absolute path", []rawLayer{{blob: gz(t, layerTar(t, file("/etc/passwd", "x")))}}, []string{"layer 0", `"/etc/passwd"`, "absolute"}},
		{"huge header size", []rawLayer{{blob: gz(t, rawHeaderTar(t, &tar.Header{Name: "huge", Size: 1 << 50, Mode: 0o644}))}}, []string{"layer 0", `"huge"`, "implausible entry size"}},
		{"size larger than the data", []rawLayer{{blob: gz(t, rawHeaderTar(t, &tar.Header{Name: "liar", Size: 1 << 20, Mode: 0o644}))}}, []string{"layer 0", `"liar"`, "truncated"}},
		{"hardlink to itself", []rawLayer{{blob: gz(t, layerTar(t, hardlink("loop", "loop")))}}, []string{"layer 0", `"loop"`, "hardlink loop"}},
		{"hardlink to nothing", []rawLayer{{blob: gz(t, layerTar(t, hardlink("a", "nowhere")))}}, []string{"layer 0", `"a"`, "does not exist"}},
		{"symlink loop", []rawLayer{{blob: gz(t, layerTar(t, symlink("a", "b"), symlink("b", "/a")))}}, []string{"symlink loop", "/a", "/b"}},
		{"whiteout for a path that never existed", []rawLayer{{blob: good}, {blob: gz(t, layerTar(t, whiteout(".wh.ghost")))}}, []string{"layer 1", `".wh.ghost"`, "no lower layer has"}},
		{"not a tar", []rawLayer{{blob: gz(t, bytes.Repeat([]byte("junk"), 200))}}, []string{"layer 0"}},
	}
	// Each image goes through both readers: FromOCIStream on the tar, and
	// Image on the same files unpacked as an OCI layout directory.
	paths := []struct {
		name    string
		analyze func(t *testing.T, stream []byte) (*Analysis, error)
	}{
		{"stream", func(t *testing.T, stream []byte) (*Analysis, error) {
			return FromOCIStream(context.Background(), bytes.NewReader(stream), Options{})
		}},
		{"layout", func(t *testing.T, stream []byte) (*Analysis, error) {
			dir := untar(t, stream)
			srcs, err := image.Open(context.Background(), "oci-layout://"+dir, image.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return Image(context.Background(), srcs[0].Image, Options{})
		}},
	}
	for _, tt := range tests {
		for _, p := range paths {
			t.Run(tt.name+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				a, err := p.analyze(t, rawOCIStream(t, tt.layers...))
				if err == nil {
					t.Fatalf("no error; analysis %+v", a)
				}
				t.Log(err)
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
			})
		}
	}
}

// untar unpacks a tar of regular files into a fresh directory.
func untar(t *testing.T, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return dir
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The same hostile layers through Image (v1.Image path) fail the same way.
func TestHostileImage(t *testing.T) {
	t.Parallel()
	img := mkImage(t, layerTar(t, file("ok", "1")), layerTar(t, whiteout("dir/.wh.ghost")))
	_, err := Image(context.Background(), img, Options{})
	if err == nil || !strings.Contains(err.Error(), "layer 1") || !strings.Contains(err.Error(), "dir/.wh.ghost") {
		t.Fatalf("err = %v, want it to name layer 1 and the whiteout", err)
	}
}

// A tampered blob in an OCI layout is caught by the digest check.
func TestLayoutDigestMismatch(t *testing.T) {
	t.Parallel()
	img := mkImage(t, layerTar(t, file("a", "original")))
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	d, _ := layers[0].Digest()
	if err := os.WriteFile(filepath.Join(dir, "blobs", "sha256", d.Hex), gz(t, layerTar(t, file("a", "tampered"))), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := img.Digest()
	limg, err := idx.Image(md)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Image(context.Background(), limg, Options{})
	if err == nil || !strings.Contains(err.Error(), "digest mismatch") || !strings.Contains(err.Error(), "layer 0") {
		t.Fatalf("err = %v, want a digest mismatch on layer 0", err)
	}
}

// failingReader returns data, then err: a connection that drops.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadErrorIsNotCorruption: when reading the stored blob fails (a
// dropped connection, a canceled context), the error says so, and does
// not blame the data.
func TestReadErrorIsNotCorruption(t *testing.T) {
	t.Parallel()
	layer := layerTar(t, file("big", strings.Repeat("abcdefgh", 1<<16)))
	dropped := errors.New("read tcp 127.0.0.1:1: connection reset by peer")
	for name, blob := range map[string][]byte{"gzip": gz(t, layer), "zstd": zst(t, layer), "plain": layer} {
		for _, cause := range []error{dropped, context.Canceled} {
			zr, _, err := Decompress(&failingReader{data: blob[:len(blob)/2], err: cause})
			if err == nil {
				_, err = ReadLayer(zr, "layer 0")
				zr.Close()
			}
			if !errors.Is(err, cause) || strings.Contains(err.Error(), "corrupt") {
				t.Errorf("%s, %v: err = %v, want the read error and no talk of corruption", name, cause, err)
			}
		}
	}
}

// TestStreamJSONBound: JSON-looking blobs are kept in memory only up to a
// total; a stream of many of them is refused instead of filling the memory.
func TestStreamJSONBound(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := tarAdder(t, tw)
	for i := 0; i <= maxJSONTotal/maxJSONBlob; i++ {
		blob := append([]byte(fmt.Sprintf(`{"n":%d}`, i)), bytes.Repeat([]byte(" "), maxJSONBlob-16)...)
		add("blobs/sha256/"+sha(blob), blob)
	}
	add("index.json", []byte(`{"schemaVersion":2,"manifests":[]}`))
	tw.Close()
	_, err := FromOCIStream(context.Background(), bytes.NewReader(buf.Bytes()), Options{})
	if err == nil || !strings.Contains(err.Error(), "MiB of JSON documents") {
		t.Fatalf("err = %v, want the JSON bound", err)
	}
}
