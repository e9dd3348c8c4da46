package buildkit

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
)

func TestCacheEntriesGHA(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"ACTIONS_CACHE_URL":         "https://cache.example/",
		"ACTIONS_RUNTIME_TOKEN":     "tok",
		"ACTIONS_RESULTS_URL":       "https://results.example/",
		"ACTIONS_CACHE_SERVICE_V2":  "true",
		"UNRELATED_SHOULD_NOT_LEAK": "x",
	}
	getenv := func(k string) string { return env[k] }
	in := []buildflags.Cache{
		{Type: "gha", Attrs: map[string]string{"scope": "main"}},
		{Type: "gha", Attrs: map[string]string{"token": "mine", "ignore-error": "false"}},
		{Type: "registry", Attrs: map[string]string{"ref": "r/c"}},
	}
	got := cacheEntries(in, true, getenv)
	want := []client.CacheOptionsEntry{
		{Type: "gha", Attrs: map[string]string{"scope": "main", "url": "https://cache.example/", "url_v2": "https://results.example/", "token": "tok", "version": "2", "ignore-error": "true"}},
		{Type: "gha", Attrs: map[string]string{"token": "mine", "ignore-error": "false", "url": "https://cache.example/", "url_v2": "https://results.example/", "version": "2"}},
		{Type: "registry", Attrs: map[string]string{"ref": "r/c"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cacheEntries =\n%v\nwant\n%v", got, want)
	}
	if in[0].Attrs["url"] != "" {
		t.Error("cacheEntries changed its input")
	}
	// Imports never get ignore-error; without the v2 switch no version;
	// without ACTIONS_CACHE_URL the results URL serves as url.
	delete(env, "ACTIONS_CACHE_SERVICE_V2")
	delete(env, "ACTIONS_CACHE_URL")
	got = cacheEntries(in[:1], false, getenv)
	wantImport := map[string]string{"scope": "main", "url": "https://results.example/", "url_v2": "https://results.example/", "token": "tok"}
	if !reflect.DeepEqual(got[0].Attrs, wantImport) {
		t.Errorf("import attrs %v, want %v", got[0].Attrs, wantImport)
	}
}

func TestTracker(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tr := newTracker()
	d1, d2, d3, d4 := digest.FromString("1"), digest.FromString("2"), digest.FromString("3"), digest.FromString("4")
	tr.update(&client.SolveStatus{Vertexes: []*client.Vertex{
		{Digest: d1, Name: "[internal] load build definition from Dockerfile", Completed: &now},
		{Digest: d2, Name: "[1/3] RUN a", Started: &now},
		{Digest: d3, Name: "[builder 2/3] RUN b"},
		{Digest: digest.FromString("5"), Name: "[context busybox] OCI load from client", Cached: true},
		// Another build's record of the same step (shared while it ran).
		{Digest: digest.FromString("6"), Name: "[1/3] RUN a"},
		{Digest: d4, Name: "exporting to oci image format"},
	}})
	tr.update(&client.SolveStatus{
		Vertexes: []*client.Vertex{{Digest: d2, Name: "[1/3] RUN a", Cached: true, Completed: &now}},
		Logs: []*client.VertexLog{
			{Vertex: d3, Data: []byte("one\ntw")},
			{Vertex: d3, Data: []byte("o\nthree")},
		},
	})
	for i := range 30 {
		tr.update(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: d4, Data: []byte(strings.Repeat("x", i) + "\n")}}})
	}
	tr.update(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: d3, Name: "[builder 2/3] RUN b", Error: "exit code: 1"}}})
	steps, hits := tr.counts()
	if steps != 2 || hits != 1 {
		t.Errorf("counts = %d steps, %d hits; want 2, 1", steps, hits)
	}
	name, errText, tail, ok := tr.failed()
	if !ok || name != "[builder 2/3] RUN b" || errText != "exit code: 1" || !reflect.DeepEqual(tail, []string{"one", "two", "three"}) {
		t.Errorf("failed() = %q %q %q %v", name, errText, tail, ok)
	}
	tr.mu.Lock()
	if n := len(tr.verts[d4].tail); n != logTailLines {
		t.Errorf("kept %d lines, want the last %d", n, logTailLines)
	}
	tr.mu.Unlock()
}

func TestFrontendFetchFailed(t *testing.T) {
	t.Parallel()
	df := []byte("# syntax=example.invalid/frontend:1\nFROM busybox\nRUN false\n")
	ref, line := syntaxLine(df)
	if ref != "example.invalid/frontend:1" || line != 1 {
		t.Fatalf("syntaxLine = %q, %d", ref, line)
	}
	if r, l := syntaxLine([]byte("FROM busybox\n")); r != "" || l != 0 {
		t.Errorf("syntaxLine without a directive = %q, %d", r, l)
	}
	src := func(l int32) *errdefs.Source {
		return &errdefs.Source{Info: &pb.SourceInfo{Filename: "Dockerfile", Data: df}, Ranges: []*pb.Range{{Start: &pb.Position{Line: l}, End: &pb.Position{Line: l}}}}
	}
	base := errors.New("failed to resolve source metadata")
	if !frontendFetchFailed(src(1).WrapError(base), 1) {
		t.Error("an error located at the syntax line is a frontend fetch failure")
	}
	if frontendFetchFailed(src(3).WrapError(base), 1) {
		t.Error("a failing RUN is not a frontend fetch failure")
	}
	if frontendFetchFailed(base, 1) || frontendFetchFailed(src(1).WrapError(base), 0) {
		t.Error("no location, or no directive: not a frontend fetch failure")
	}
}

func TestStepErrorMessage(t *testing.T) {
	t.Parallel()
	e := &StepError{Variant: "multi", Step: "[builder 3/5] RUN make", File: "Dockerfile", Line: 12, Source: "RUN make \\\n    all",
		Output: []string{"cc -o x x.c", "x.c:1: error"}, Err: errors.New(`failed to solve: process "/bin/sh -c make all" did not complete successfully: exit code: 2`)}
	want := `variant "multi": Dockerfile:12: step [builder 3/5] RUN make failed: exit code: 2
    12 | RUN make \
    13 |     all
  last output:
    cc -o x x.c
    x.c:1: error`
	if got := e.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// ociTar builds an OCI layout tar stream of one image with the given
// layer contents (gzip-compressed), entries in the given order.
func ociTar(t testing.TB, layers [][]byte, manifestLast bool) ([]byte, ImageStats) {
	t.Helper()
	type blob struct {
		d    string
		data []byte
	}
	var blobs []blob
	add := func(data []byte) ocispecs.Descriptor {
		sum := sha256.Sum256(data)
		d := "sha256:" + hex.EncodeToString(sum[:])
		blobs = append(blobs, blob{d, data})
		return ocispecs.Descriptor{Digest: digest.Digest(d), Size: int64(len(data))}
	}
	st := ImageStats{}
	var lds []ocispecs.Descriptor
	for _, content := range layers {
		var tb bytes.Buffer
		tw := tar.NewWriter(&tb)
		if err := tw.WriteHeader(&tar.Header{Name: "f", Mode: 0o644, Size: int64(len(content))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(content)
		tw.Close()
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(tb.Bytes())
		zw.Close()
		d := add(gz.Bytes())
		d.MediaType = ocispecs.MediaTypeImageLayerGzip
		lds = append(lds, d)
		st.Size += int64(len(content))
		st.Compressed += d.Size
	}
	cfg := add([]byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}`))
	cfg.MediaType = ocispecs.MediaTypeImageConfig
	mb, _ := json.Marshal(ocispecs.Manifest{MediaType: ocispecs.MediaTypeImageManifest, Config: cfg, Layers: lds})
	man := add(mb)
	man.MediaType = ocispecs.MediaTypeImageManifest
	ib, _ := json.Marshal(ocispecs.Index{Manifests: []ocispecs.Descriptor{man}})
	st.Digest, st.ConfigDigest, st.Layers = man.Digest.String(), cfg.Digest.String(), len(layers)

	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	write := func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))})
		tw.Write(data)
	}
	if !manifestLast {
		write("index.json", ib)
	}
	for i := len(blobs) - 1; i >= 0; i-- {
		write("blobs/sha256/"+strings.TrimPrefix(blobs[i].d, "sha256:"), blobs[i].data)
	}
	if manifestLast {
		write("index.json", ib)
	}
	write("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	tw.Close()
	return out.Bytes(), st
}

func TestStatsFromOCIStream(t *testing.T) {
	t.Parallel()
	for _, last := range []bool{false, true} {
		data, want := ociTar(t, [][]byte{bytes.Repeat([]byte("a"), 5000), []byte("hello")}, last)
		got, err := StatsFromOCIStream(bytes.NewReader(data))
		if err != nil || got != want {
			t.Errorf("index last=%v: got %+v, %v; want %+v", last, got, err, want)
		}
	}
	data, _ := ociTar(t, [][]byte{[]byte("x")}, false)
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"not a tar": []byte("{}"),
	} {
		if _, err := StatsFromOCIStream(bytes.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzStatsFromOCIStream: a stream from the builder (or a hostile file
// given as an archive) must never panic or hang the reader.
func FuzzStatsFromOCIStream(f *testing.F) {
	data, _ := ociTar(f, [][]byte{[]byte("layer")}, false)
	f.Add(data)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = StatsFromOCIStream(bytes.NewReader(b))
	})
}

func TestVariantNaming(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tag, want string
		several   bool
	}{
		{"127.0.0.1:5000/app:1.0", "127.0.0.1:5000/app:1.0", false},
		{"127.0.0.1:5000/app:1.0", "127.0.0.1:5000/app:1.0-multi", true},
		{"127.0.0.1:5000/app", "127.0.0.1:5000/app:multi", true},
		{"ghcr.io/o/app@sha256:" + strings.Repeat("a", 64), "ghcr.io/o/app:multi", true},
	} {
		if got := variantTag(tt.tag, "multi", tt.several); got != tt.want {
			t.Errorf("variantTag(%q, several=%v) = %q, want %q", tt.tag, tt.several, got, tt.want)
		}
	}
	if got := outputArchivePath("out/img.tar", "slim", true); got != "out/img-slim.tar" {
		t.Errorf("outputArchivePath = %q", got)
	}
	if got := outputArchivePath("out/img.tar", "slim", false); got != "out/img.tar" {
		t.Errorf("outputArchivePath = %q", got)
	}
}
