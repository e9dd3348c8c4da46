package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// writeTar writes a tar of regular files (in the order given) to path.
func writeTar(t *testing.T, path string, files ...[2]string) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestDockerArchiveStorage: in a docker save archive whose images store
// their layers differently (gzip for one, plain tar for the other), each
// image's layers read as stored, say how, and carry the config's diff_id.
func TestDockerArchiveStorage(t *testing.T) {
	t.Parallel()
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	tw.Write([]byte("hello"))
	tw.Close()
	var gzLayer bytes.Buffer
	zw := gzip.NewWriter(&gzLayer)
	zw.Write(layer.Bytes())
	zw.Close()
	diffID := "sha256:" + sha256Hex(layer.Bytes())
	cfg, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux",
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{diffID}}})
	manifest, _ := json.Marshal([]map[string]any{
		{"Config": "config.json", "RepoTags": []string{"example.com/gz:one"}, "Layers": []string{"gz/layer.tar"}},
		{"Config": "config.json", "RepoTags": []string{"example.com/plain:two"}, "Layers": []string{"plain/layer.tar"}},
		{"Config": "config.json", "RepoTags": []string{"example.com/linked:three"}, "Layers": []string{"linked/layer.tar"}},
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "mixed.tar")
	writeTar(t, file, [2]string{"manifest.json", string(manifest)}, [2]string{"config.json", string(cfg)},
		[2]string{"gz/layer.tar", gzLayer.String()}, [2]string{"plain/layer.tar", layer.String()})
	// docker save (moby 25+) stores layers as blobs and links to them.
	linked := filepath.Join(dir, "linked.tar")
	var buf bytes.Buffer
	tw = tar.NewWriter(&buf)
	for _, f := range [][2]string{{"manifest.json", string(manifest)}, {"config.json", string(cfg)}, {"blobs/sha256/" + sha256Hex(layer.Bytes()), layer.String()}} {
		tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(f[1]))
	}
	tw.WriteHeader(&tar.Header{Name: "linked/layer.tar", Typeflag: tar.TypeSymlink, Linkname: "../blobs/sha256/" + sha256Hex(layer.Bytes())})
	tw.Close()
	os.WriteFile(linked, buf.Bytes(), 0o644)

	for _, tt := range []struct {
		ref       string
		mediaType types.MediaType
		stored    []byte
	}{
		{file + ":example.com/gz:one", types.DockerLayer, gzLayer.Bytes()},
		{file + ":example.com/plain:two", types.DockerUncompressedLayer, layer.Bytes()},
		{linked + ":example.com/linked:three", types.DockerUncompressedLayer, layer.Bytes()},
	} {
		srcs, err := Open(context.Background(), "docker-archive://"+tt.ref, Options{})
		if err != nil {
			t.Fatal(err)
		}
		layers, err := srcs[0].Image.Layers()
		if err != nil {
			t.Fatal(err)
		}
		mt, _ := layers[0].MediaType()
		d, _ := layers[0].DiffID()
		if mt != tt.mediaType || d.String() != diffID || srcs[0].StoredUncompressed {
			t.Errorf("%s: media type %s, diff_id %s, StoredUncompressed %v", tt.ref, mt, d, srcs[0].StoredUncompressed)
		}
		sb, ok := layers[0].(interface {
			StoredBlob() (io.ReadCloser, int64, error)
		})
		if !ok {
			t.Fatalf("%s: the layer cannot be read as stored", tt.ref)
		}
		rc, size, err := sb.StoredBlob()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, tt.stored) || size != int64(len(tt.stored)) {
			t.Errorf("%s: stored blob of %d bytes (size %d), want the %d stored bytes", tt.ref, len(got), size, len(tt.stored))
		}
	}
	if _, err := Open(context.Background(), "docker-archive://"+file+":example.com/nope:1", Options{}); err == nil || !strings.Contains(err.Error(), "no image tagged") {
		t.Errorf("unknown tag: err = %v", err)
	}
}

// TestOpenErrors: every reference that does not lead to an image fails
// with a message that names the input and says what is wrong, and
// Unreachable tells a network failure from a bad reference.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notTar := filepath.Join(dir, "not.tar")
	os.WriteFile(notTar, bytes.Repeat([]byte("not a tar "), 100), 0o644)
	noManifest := filepath.Join(dir, "nomanifest.tar")
	writeTar(t, noManifest, [2]string{"hello.txt", "hi"})
	truncated := filepath.Join(dir, "truncated.tar")
	writeTar(t, truncated, [2]string{"manifest.json", "[]"}, [2]string{"big", strings.Repeat("x", 10000)})
	data, _ := os.ReadFile(truncated)
	os.WriteFile(truncated, data[:3000], 0o644)
	// Cut at a 512-byte block inside the data: the tar reader seeks over
	// data, and still notices (it reads the last byte it skipped).
	cutAtBlock := filepath.Join(dir, "cut.tar")
	os.WriteFile(cutAtBlock, data[:2048], 0o644)
	emptyDir := t.TempDir()
	garbage := t.TempDir()
	os.WriteFile(filepath.Join(garbage, "index.json"), []byte("garbage"), 0o644)
	emptyLayout := t.TempDir()
	if _, err := layout.Write(emptyLayout, empty.Index); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	closed := closedPort(t)

	tests := []struct {
		name, ref   string
		want        []string // substrings of the message
		unreachable bool
	}{
		{"unknown scheme", "ftp://x/y", []string{"unknown image scheme", "oci-layout://"}, false},
		{"docker-archive without a file", "docker-archive://", []string{"no file given"}, false},
		{"missing archive", "docker-archive://" + filepath.Join(dir, "nope.tar"), []string{"nope.tar", "no such file"}, false},
		{"not a tar", "docker-archive://" + notTar, []string{"not.tar", "not a readable tar archive"}, false},
		{"tar without manifest.json", "docker-archive://" + noManifest, []string{"nomanifest.tar", "not a docker save archive"}, false},
		{"truncated archive", "docker-archive://" + truncated, []string{"truncated.tar", "truncated", "save it again"}, false},
		{"archive cut at a block boundary", "docker-archive://" + cutAtBlock, []string{"cut.tar", "truncated", "save it again"}, false},
		{"oci-archive cut at a block boundary", "oci-archive://" + cutAtBlock, []string{"cut.tar", "truncated"}, false},
		{"oci-layout of a plain directory", "oci-layout://" + emptyDir, []string{emptyDir, "no index.json", "OCI image layout"}, false},
		{"oci-layout with a broken index.json", "oci-layout://" + garbage, []string{"index.json", "invalid character"}, false},
		{"oci-layout without images", "oci-layout://" + emptyLayout, []string{"no image manifest"}, false},
		{"oci-layout tag not there", "oci-layout://" + emptyLayout + ":v9", []string{`no manifest tagged "v9"`}, false},
		{"oci-layout bad digest", "oci-layout://" + emptyLayout + "@sha256:zz", []string{"bad digest"}, false},
		{"oci-archive missing", "oci-archive://" + filepath.Join(dir, "nope.tar"), []string{"nope.tar"}, false},
		{"oci-archive of a non-layout tar", "oci-archive://" + noManifest, []string{"no index.json", "OCI layout tar"}, false},
		{"bad registry reference", "Not A Reference", []string{"parsing image reference"}, false},
		{"registry: no such repository", host + "/team/missing:v1", []string{"fetching", "check the repository name"}, false},
		{"registry refuses connections", closed + "/x", []string{"fetching", "connection refused"}, true},
		{"report missing", "report://" + filepath.Join(dir, "build.json"), []string{"build.json"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(context.Background(), tt.ref, Options{Insecure: true})
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if got := Unreachable(err); got != tt.unreachable {
				t.Errorf("Unreachable = %v, want %v", got, tt.unreachable)
			}
		})
	}
}

// closedPort returns 127.0.0.1:PORT where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestRegistryHangs: a registry that accepts connections and never
// answers fails once the context ends instead of hanging.
func TestRegistryHangs(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Open(ctx, l.Addr().String()+"/x", Options{Insecure: true})
	if err == nil {
		t.Fatal("no error")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Open took %v after the context ended", d)
	}
}

func TestChoosePlatform(t *testing.T) {
	t.Parallel()
	host := "linux/" + runtime.GOARCH
	tests := []struct {
		name      string
		platforms []string
		want      string
		pick      int
		err       string
	}{
		{"asked and there", []string{"linux/amd64", "linux/arm64/v8"}, "linux/arm64", 1, ""},
		{"asked with variant", []string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm/v7", 1, ""},
		{"asked and missing", []string{"linux/amd64", "linux/arm64"}, "linux/s390x", -1, "no image for platform linux/s390x; the index has linux/amd64, linux/arm64"},
		{"asked, one image that names none", []string{""}, "linux/arm64", 0, ""},
		{"asked, one image of another platform", []string{"linux/amd64"}, "linux/riscv64", -1, "no image for platform linux/riscv64"},
		{"bad platform", []string{"linux/amd64"}, "linux/arm/v7/x", -1, "platform"},
		{"only one", []string{"windows/amd64"}, "", 0, ""},
		{"host by default", []string{"windows/amd64", host, "linux/fake"}, "", 1, ""},
		{"several, none for the host", []string{"windows/amd64", "plan9/386"}, "", -1, "pick one with --platform, or use --all-platforms"},
	}
	for _, tt := range tests {
		got, err := ChoosePlatform(tt.platforms, tt.want)
		if got != tt.pick {
			t.Errorf("%s: picked %d, want %d (err %v)", tt.name, got, tt.pick, err)
		}
		if (err != nil) != (tt.err != "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
		}
	}
}

// TestRegistrySelfSigned: a registry whose certificate is not trusted
// fails with a hint to use --insecure, and works with it.
func TestRegistrySelfSigned(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failures are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "https://") + "/team/app:v1"
	_, err := Open(context.Background(), ref, Options{})
	if err == nil || !strings.Contains(err.Error(), "needs --insecure") || Unreachable(err) {
		t.Errorf("err = %v (unreachable %v), want a hint about --insecure", err, Unreachable(err))
	}
	_, err = Open(context.Background(), ref, Options{Insecure: true})
	if err == nil || !strings.Contains(err.Error(), "check the repository name") {
		t.Errorf("with --insecure: err = %v, want the registry's own answer (no such repository)", err)
	}
}

// TestImagesValidate runs go-containerregistry's own image validation
// (every method, every digest and size checked against the contents) on
// the images the archive readers make.
func TestImagesValidate(t *testing.T) {
	t.Parallel()
	img := randomImage(t, "amd64")
	dir := t.TempDir()
	if _, err := layout.Write(filepath.Join(dir, "layout"), mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img})); err != nil {
		t.Fatal(err)
	}
	ociArchive := filepath.Join(dir, "oci.tar")
	tarDir(t, filepath.Join(dir, "layout"), ociArchive)
	dockerArchive := filepath.Join(dir, "docker.tar")
	if err := tarball.WriteToFile(dockerArchive, nil, img); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"oci-archive://" + ociArchive, "docker-archive://" + dockerArchive} {
		srcs, err := Open(context.Background(), ref, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(srcs[0].Image); err != nil {
			t.Errorf("%s: %v", ref, err)
		}
		layers, _ := srcs[0].Image.Layers()
		want, _ := img.Layers()
		for i, l := range layers {
			if err := validate.Layer(l); err != nil {
				t.Errorf("%s layer %d: %v", ref, i, err)
			}
			got, _ := l.Digest()
			w, _ := want[i].Digest()
			if got != w {
				t.Errorf("%s layer %d: digest %s, want %s", ref, i, got, w)
			}
		}
	}
}

// TestIndexFanOut: indexes that list the same child index many times, a few
// levels deep, are walked once per digest (a small file must not make the
// walk exponential: 8 levels of 16 entries would be 16^8 visits).
func TestIndexFanOut(t *testing.T) {
	t.Parallel()
	img := randomImage(t, "amd64")
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	md, _ := img.Digest()
	mf, _ := img.RawManifest()
	mt, _ := img.MediaType()
	child := v1.Descriptor{MediaType: mt, Digest: md, Size: int64(len(mf)), Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}
	var raw []byte
	for level := 0; level < 8; level++ {
		im := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}
		for range 16 {
			im.Manifests = append(im.Manifests, child)
		}
		raw, _ = json.Marshal(im)
		h, _, _ := v1.SHA256(bytes.NewReader(raw))
		if err := p.WriteBlob(h, io.NopCloser(bytes.NewReader(raw))); err != nil {
			t.Fatal(err)
		}
		child = v1.Descriptor{MediaType: types.OCIImageIndex, Digest: h, Size: int64(len(raw))}
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Open(context.Background(), "oci-layout://"+dir, Options{})
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

// TestLocalPathWithoutScheme: a local file or image folder given without a
// scheme is a clear bad-input error naming the scheme to use, not a lookup
// of a registry called "image.tar".
func TestLocalPathWithoutScheme(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "image.tar")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	layout := filepath.Join(dir, "layout")
	if err := os.MkdirAll(layout, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layout, "index.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ref, want string }{
		{file, "docker-archive://" + file},
		{layout, "oci-layout://" + layout},
		{filepath.Join(dir, "missing.tar"), "no such file or folder"},
		{"./nope", "a local image needs a scheme"},
	} {
		_, err := Open(context.Background(), tc.ref, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", tc.ref, err, tc.want)
		}
		if Unreachable(err) {
			t.Errorf("Open(%q): %v counted as unreachable; it is bad input", tc.ref, err)
		}
	}
}
