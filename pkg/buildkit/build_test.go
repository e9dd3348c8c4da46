package buildkit_test

// End-to-end tests of Build (`plimsoll build`) through the real buildkitd
// that testenv starts, the in-process registry, and the busybox/debian base
// images made by `make test-deps`. Helpers here are prefixed bt to keep
// clear of the daemon tests' helpers in the same package.

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/buildkit/client"
	"golang.org/x/crypto/ssh/agent"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/buildkit"
	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
	"github.com/plimsoll/plimsoll/pkg/report"
	"github.com/plimsoll/plimsoll/pkg/testenv"
)

// btContext writes files into a fresh build context directory.
func btContext(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// btBase maps busybox (and debian when asked) to the local base images.
func btBase(t *testing.T, names ...string) []buildflags.BuildContext {
	t.Helper()
	all := testenv.BuildContexts(t)
	var out []buildflags.BuildContext
	for _, n := range names {
		v, ok := all[n]
		if !ok {
			t.Fatalf("testenv has no base image %q", n)
		}
		bc, err := buildflags.ParseBuildContext(n + "=" + v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bc)
	}
	return out
}

// btLog is a goroutine-safe buffer for progress output.
type btLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *btLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *btLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// btBuild runs Build against c with plain progress captured for failures.
func btBuild(t *testing.T, c *client.Client, o buildkit.BuildOptions) (*report.Build, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	log := &btLog{}
	if o.ProgressOut == nil {
		o.Progress, o.ProgressOut = "plain", log
	}
	if o.Notices == nil {
		o.Notices = log
	}
	if o.DockerConfigDir == "" {
		o.DockerConfigDir = t.TempDir()
	}
	rep, err := buildkit.Build(ctx, c, o)
	if err != nil && testing.Verbose() {
		t.Logf("build output:\n%s", log.String())
	}
	return rep, err
}

func btMustBuild(t *testing.T, c *client.Client, o buildkit.BuildOptions) *report.Build {
	t.Helper()
	rep, err := btBuild(t, c, o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, v := range rep.Variants {
		if v.Status != report.StatusOK {
			t.Fatalf("variant %s: status %q: %s", v.Name, v.Status, v.Error)
		}
	}
	return rep
}

// btLayerFiles returns every regular file of every layer of img, by path,
// with its content.
func btLayerFiles(t *testing.T, img v1.Image) []map[string][]byte {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string][]byte
	for _, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Typeflag == tar.TypeReg {
				b, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				files[h.Name] = b
			}
		}
		rc.Close()
		out = append(out, files)
	}
	return out
}

// btLayoutImage opens the image with digest d in an OCI layout.
func btLayoutImage(t *testing.T, dir, d string) v1.Image {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, err := v1.NewHash(d)
	if err != nil {
		t.Fatal(err)
	}
	img, err := p.Image(h)
	if err != nil {
		t.Fatalf("layout %s has no image %s: %v", dir, d, err)
	}
	return img
}

// btCheckStats compares a report entry with what go-containerregistry
// reads from the image itself.
func btCheckStats(t *testing.T, v report.Variant, img v1.Image) {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	cd, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if v.ImageDigest != d.String() || v.ConfigDigest != cd.String() {
		t.Errorf("variant %s: digests %s / %s, image has %s / %s", v.Name, v.ImageDigest, v.ConfigDigest, d, cd)
	}
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var comp, size int64
	for _, l := range ls {
		s, err := l.Size()
		if err != nil {
			t.Fatal(err)
		}
		comp += s
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			size += h.Size
		}
		rc.Close()
	}
	if v.Layers != len(ls) || v.CompressedBytes != comp || v.SizeBytes != size {
		t.Errorf("variant %s: report says %d layers, %d B, %d B compressed; image has %d, %d B, %d B", v.Name, v.Layers, v.SizeBytes, v.CompressedBytes, len(ls), size, comp)
	}
}

const btStagesDockerfile = `FROM busybox AS deps
ARG RANDOM_SEED
RUN echo "deps $RANDOM_SEED" > /deps && dd if=/dev/urandom of=/blob bs=1k count=512 2>/dev/null
RUN cat /deps > /deps2
FROM deps AS full
ARG TOKEN_FREE=1
RUN dd if=/dev/urandom of=/tools bs=1k count=2048 2>/dev/null
FROM busybox AS slim
COPY --from=deps /deps2 /deps2
RUN cat /deps2
`

// The two variants share one context upload and one cache: the second
// variant's shared steps are cache hits, and the report carries each
// image's figures exactly.
func TestVariantsShareCache(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{"Dockerfile": btStagesDockerfile + "# " + t.Name() + time.Now().String() + "\n"})
	out := filepath.Join(t.TempDir(), "images")
	progress := &btLog{}
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{
		ContextDir:   dir,
		Progress:     "plain",
		ProgressOut:  progress,
		GitHubGroups: true,
		Variants: []buildflags.Variant{
			{Name: "full", Dockerfile: filepath.Join(dir, "Dockerfile"), Target: "full"},
			{Name: "slim", Dockerfile: filepath.Join(dir, "Dockerfile"), Target: "slim"},
		},
		Contexts:  btBase(t, "busybox"),
		BuildArgs: map[string]string{"RANDOM_SEED": t.Name() + time.Now().String()},
		Outputs:   []buildflags.Output{{Type: buildflags.OutputOCILayout, Path: out}},
	})
	if len(rep.Variants) != 2 {
		t.Fatalf("report has %d variants, want 2", len(rep.Variants))
	}
	full, slim := rep.Variants[0], rep.Variants[1]
	// full ran deps' two RUN steps; slim finds them cached.
	if slim.CacheHits != 2 || slim.Steps != 4 {
		t.Errorf("slim: %d cache hits of %d steps, want deps' two RUN steps of 4 cached", slim.CacheHits, slim.Steps)
	}
	if full.CacheHits != 0 || full.Steps != 3 {
		t.Errorf("full: %d cache hits of %d steps, want 0 of 3", full.CacheHits, full.Steps)
	}
	if slim.SizeBytes >= full.SizeBytes || slim.ImageDigest == full.ImageDigest {
		t.Errorf("slim %d B (%s), full %d B (%s): want slim smaller and distinct", slim.SizeBytes, slim.ImageDigest, full.SizeBytes, full.ImageDigest)
	}
	for _, v := range rep.Variants {
		btCheckStats(t, v, btLayoutImage(t, out, v.ImageDigest))
		if len(v.Outputs) != 1 || v.Outputs[0].Type != report.OutputOCILayout || v.Outputs[0].Path != out || v.Outputs[0].Ref != v.Name {
			t.Errorf("variant %s outputs %+v", v.Name, v.Outputs)
		}
		if v.Seconds <= 0 {
			t.Errorf("variant %s: no build time", v.Name)
		}
	}
	if rep.Disk.Peak < rep.Disk.Before || rep.Disk.Peak < rep.Disk.After || rep.Disk.After == 0 {
		t.Errorf("disk figures %+v", rep.Disk)
	}
	// On GitHub Actions each variant's progress is one log group.
	log := progress.String()
	for _, want := range []string{"::group::plimsoll build: variant full\n", "::group::plimsoll build: variant slim\n", "[deps 2/3] RUN"} {
		if !strings.Contains(log, want) {
			t.Errorf("progress lacks %q", want)
		}
	}
	if strings.Count(log, "::endgroup::") != 2 || strings.Index(log, "::endgroup::") > strings.Index(log, "::group::plimsoll build: variant slim") {
		t.Errorf("want the groups closed after each variant:\n%s", log)
	}
	// The report round-trips through the envelope.
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var back report.Build
	if err := report.Read(&buf, report.KindBuild, &back); err != nil {
		t.Fatal(err)
	}
	if back.Variants[1].ImageDigest != slim.ImageDigest || back.Variants[1].CacheHits != slim.CacheHits {
		t.Errorf("report did not round-trip: %+v", back.Variants[1])
	}
}

// The examples' two Dockerfiles build as two variants of one run; the
// multi-stage one comes out smaller, and a second run is all cache hits.
func TestExampleVariants(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir, err := filepath.Abs("../../examples/ml-service")
	if err != nil {
		t.Fatal(err)
	}
	o := buildkit.BuildOptions{
		ContextDir: dir,
		Variants: []buildflags.Variant{
			{Name: "single", Dockerfile: filepath.Join(dir, "Dockerfile.single")},
			{Name: "multi", Dockerfile: filepath.Join(dir, "Dockerfile")},
		},
		Contexts: btBase(t, "debian:bookworm-slim"),
	}
	rep := btMustBuild(t, b.Client, o)
	single, multi := rep.Variants[0], rep.Variants[1]
	if multi.SizeBytes >= single.SizeBytes {
		t.Errorf("multi-stage %d B is not smaller than single-stage %d B", multi.SizeBytes, single.SizeBytes)
	}
	// The multi-stage builder repeats the single-stage Dockerfile's eight
	// steps (apt-get, WORKDIR, four COPYs, venv, tests) verbatim: built
	// second, it finds them all in the cache.
	if single.CacheHits != 0 || multi.CacheHits < 8 {
		t.Errorf("cache hits: single %d of %d, multi %d of %d; want 0, and >= 8 shared steps", single.CacheHits, single.Steps, multi.CacheHits, multi.Steps)
	}
	again := btMustBuild(t, b.Client, o)
	for i, v := range again.Variants {
		if v.ImageDigest != rep.Variants[i].ImageDigest {
			t.Errorf("%s: rebuild changed the digest %s -> %s", v.Name, rep.Variants[i].ImageDigest, v.ImageDigest)
		}
		// Every step is answered from the cache.
		if v.CacheHits != v.Steps || v.Steps < 4 {
			t.Errorf("%s: warm rebuild had %d cache hits of %d steps", v.Name, v.CacheHits, v.Steps)
		}
	}
}

// --push sends the image to the registry; pulling it back by the digest
// in the report gives the same image.
func TestPushPullByDigest(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	reg := testenv.Registry(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo " + t.Name() + time.Now().String() + " > /stamp\n"})
	tag := reg + "/plimsoll/push:1.0"
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Push: true, Tags: []string{tag}, RegistryInsecure: true})
	v := rep.Variants[0]
	if len(v.Outputs) != 1 || v.Outputs[0].Type != report.OutputRegistry || v.Outputs[0].Ref != reg+"/plimsoll/push@"+v.ImageDigest {
		t.Fatalf("outputs %+v", v.Outputs)
	}
	ref, err := name.ParseReference(v.Outputs[0].Ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatalf("pulling %s: %v", ref, err)
	}
	btCheckStats(t, v, img)
	byTag, err := name.ParseReference(tag, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(byTag)
	if err != nil {
		t.Fatalf("HEAD %s: %v", tag, err)
	}
	if desc.Digest.String() != v.ImageDigest {
		t.Errorf("tag %s points at %s, report says %s", tag, desc.Digest, v.ImageDigest)
	}
}

// One build writes an OCI layout and an OCI archive; both hold the image
// the report describes.
func TestOCIOutputs(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN dd if=/dev/urandom of=/r bs=1k count=300 2>/dev/null\nRUN echo " + t.Name() + " > /n\n"})
	out := t.TempDir()
	layoutDir, archive := filepath.Join(out, "layout"), filepath.Join(out, "img.tar")
	progress := &btLog{}
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Progress: "rawjson", ProgressOut: progress, Outputs: []buildflags.Output{
		{Type: buildflags.OutputOCILayout, Path: layoutDir}, {Type: buildflags.OutputOCIArchive, Path: archive},
	}})
	v := rep.Variants[0]
	btCheckStats(t, v, btLayoutImage(t, layoutDir, v.ImageDigest))
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := buildkit.StatsFromOCIStream(f)
	if err != nil {
		t.Fatalf("reading %s: %v", archive, err)
	}
	if st.Digest != v.ImageDigest || st.Layers != v.Layers || st.Size != v.SizeBytes || st.Compressed != v.CompressedBytes {
		t.Errorf("archive holds %+v, report says %+v", st, v)
	}
	if len(v.Outputs) != 2 || v.Outputs[0].Type != report.OutputOCILayout || v.Outputs[1].Type != report.OutputOCIArchive || v.Outputs[1].Path != archive {
		t.Errorf("outputs %+v", v.Outputs)
	}
	// --progress rawjson writes BuildKit's status stream as JSON lines.
	first, _, _ := strings.Cut(progress.String(), "\n")
	var ss client.SolveStatus
	if err := json.Unmarshal([]byte(first), &ss); err != nil || len(ss.Vertexes)+len(ss.Statuses)+len(ss.Logs) == 0 {
		t.Errorf("rawjson progress line %q: %v", first, err)
	}
}

// btPrivateDaemon starts a buildkitd of the test's own, for tests that
// prune the whole cache or kill the daemon.
func btPrivateDaemon(t *testing.T) (*buildkit.Daemon, *client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{Config: testenv.DaemonConfig(testenv.Registry(t))})
	if err != nil {
		t.Fatalf("starting a private buildkitd: %v (run `make test`)", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	c, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: d.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return d, c
}

// A registry and a local cache each survive a builder whose own cache was
// pruned: the rebuild takes its RUN steps from the exported cache.
func TestCacheRoundTrip(t *testing.T) {
	t.Parallel()
	_, c := btPrivateDaemon(t)
	reg := testenv.Registry(t)
	for _, tc := range []struct {
		name     string
		from, to buildflags.Cache
	}{
		{"registry", buildflags.Cache{Type: "registry", Attrs: map[string]string{"ref": reg + "/plimsoll/cache:rt"}},
			buildflags.Cache{Type: "registry", Attrs: map[string]string{"ref": reg + "/plimsoll/cache:rt", "mode": "max"}}},
		{"local", buildflags.Cache{Type: "local", Attrs: map[string]string{"src": filepath.Join(t.TempDir(), "cache")}}, buildflags.Cache{}},
	} {
		if tc.name == "local" {
			tc.to = buildflags.Cache{Type: "local", Attrs: map[string]string{"dest": tc.from.Attrs["src"], "mode": "max"}}
		}
		dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo " + tc.name + time.Now().String() + " > /a && sleep 1\nRUN cat /a > /b\n"})
		o := buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), CacheTo: []buildflags.Cache{tc.to}}
		first := btMustBuild(t, c, o)
		if _, err := buildkit.Prune(context.Background(), c, 0, 0, true); err != nil {
			t.Fatal(err)
		}
		o.CacheTo, o.CacheFrom = nil, []buildflags.Cache{tc.from}
		second := btMustBuild(t, c, o)
		if second.Variants[0].ImageDigest != first.Variants[0].ImageDigest {
			t.Errorf("%s: digest %s after the cache round trip, %s before", tc.name, second.Variants[0].ImageDigest, first.Variants[0].ImageDigest)
		}
		// Both RUN steps come from the imported cache.
		if second.Variants[0].CacheHits < 2 {
			t.Errorf("%s cache: %d cache hits of %d steps after the round trip", tc.name, second.Variants[0].CacheHits, second.Variants[0].Steps)
		}
	}
}

// A build secret is readable in RUN and absent from every layer.
// Not parallel: it sets an environment variable for the env= secret.
func TestSecretNotInLayers(t *testing.T) {
	b := testenv.BuildKit(t)
	const value = "s3cr3t-plimsoll-value"
	secretFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(secretFile, []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PLIMSOLL_TEST_SECRET", value+"-env")
	// The RUN step writes the secrets' checksums, which the test compares
	// with the values: the Dockerfile itself never holds them.
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	dir := btContext(t, map[string]string{"Dockerfile": `FROM busybox
RUN --mount=type=secret,id=tok --mount=type=secret,id=envtok \
    sha256sum /run/secrets/tok /run/secrets/envtok | cut -d' ' -f1 > /sums
`})
	out := filepath.Join(t.TempDir(), "layout")
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"),
		Secrets: []buildflags.Secret{{ID: "tok", Src: secretFile}, {ID: "envtok", Env: "PLIMSOLL_TEST_SECRET"}},
		Outputs: []buildflags.Output{{Type: buildflags.OutputOCILayout, Path: out}}})
	img := btLayoutImage(t, out, rep.Variants[0].ImageDigest)
	var sums string
	for i, files := range btLayerFiles(t, img) {
		for p, content := range files {
			if bytes.Contains(content, []byte(value)) {
				t.Errorf("layer %d: %s holds the secret", i, p)
			}
			if p == "sums" {
				sums = string(content)
			}
		}
	}
	if want := sum(value) + "\n" + sum(value+"-env") + "\n"; sums != want {
		t.Errorf("RUN read secrets with checksums %q, want %q", sums, want)
	}
	raw, err := img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(value)) {
		t.Error("the image config holds the secret")
	}
}

// A named context replaces a FROM image that cannot be pulled: an OCI
// layout, a local directory and an image in a registry.
func TestNamedContextReplacesFrom(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	reg := testenv.Registry(t)
	bbDir := testenv.BaseImage(t, "busybox")
	p, err := layout.FromPath(bbDir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	bb, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	regRef := reg + "/mirror/tools:1"
	ref, err := name.ParseReference(regRef, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, bb); err != nil {
		t.Fatalf("pushing busybox to the test registry: %v", err)
	}
	extra := btContext(t, map[string]string{"note.txt": "from a named directory\n"})
	dir := btContext(t, map[string]string{"Dockerfile": `FROM registry.invalid/company/base:2.0
COPY --from=extra note.txt /note.txt
COPY --from=tools:1 /bin/busybox /tools-busybox
RUN cat /note.txt
`})
	out := filepath.Join(t.TempDir(), "layout")
	contexts := []buildflags.BuildContext{
		{Name: "registry.invalid/company/base:2.0", Kind: buildflags.ContextOCILayout, Value: bbDir},
		{Name: "extra", Kind: buildflags.ContextDir, Value: extra},
		{Name: "tools:1", Kind: buildflags.ContextImage, Value: regRef},
	}
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: contexts, Outputs: []buildflags.Output{{Type: buildflags.OutputOCILayout, Path: out}}})
	img := btLayoutImage(t, out, rep.Variants[0].ImageDigest)
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	bbLayers, err := bb.Layers()
	if err != nil {
		t.Fatal(err)
	}
	d0, _ := ls[0].DiffID()
	b0, _ := bbLayers[0].DiffID()
	if d0 != b0 {
		t.Errorf("first layer %s is not busybox's %s", d0, b0)
	}
	files := btLayerFiles(t, img)
	if string(files[1]["note.txt"]) != "from a named directory\n" {
		t.Errorf("layer 1 = %q, want the named directory's note.txt", files[1])
	}
	if len(files[2]["tools-busybox"]) == 0 {
		t.Error("COPY --from the registry image copied nothing")
	}

	// A FROM image that no context maps and no registry has fails with
	// an error naming it.
	bad := btContext(t, map[string]string{"Dockerfile": "FROM 127.0.0.1:1/nowhere/base:1\nRUN true\n"})
	_, err = btBuild(t, b.Client, buildkit.BuildOptions{ContextDir: bad})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1/nowhere/base:1") {
		t.Errorf("unresolvable base image: error %v, want one naming the image", err)
	}
}

// A failing step exits with its Dockerfile line and last output lines.
func TestStepErrorLocation(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{"Dockerfile.app": "FROM busybox\nRUN echo ok\nRUN echo first-line && echo second-line && \\\n    exit 7\n"})
	rep, err := btBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"),
		Variants: []buildflags.Variant{{Name: "app", Dockerfile: filepath.Join(dir, "Dockerfile.app")}}})
	var se *buildkit.StepError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a StepError", err, err)
	}
	if se.Line != 3 || !strings.HasSuffix(se.File, "Dockerfile.app") || !strings.Contains(se.Source, "exit 7") {
		t.Errorf("step error at %s:%d %q, want Dockerfile.app:3 with the RUN text", se.File, se.Line, se.Source)
	}
	if strings.Join(se.Output, "\n") != "first-line\nsecond-line" {
		t.Errorf("last output %q", se.Output)
	}
	msg := err.Error()
	for _, want := range []string{"Dockerfile.app:3", "exit code: 7", "second-line"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error message lacks %q:\n%s", want, msg)
		}
	}
	if rep == nil || len(rep.Variants) != 1 || rep.Variants[0].Status != report.StatusFailed || rep.Variants[0].Error == "" {
		t.Errorf("report %+v, want the failed variant recorded", rep)
	}
}

// A `# syntax=` frontend that cannot be fetched falls back to the built-in
// frontend, with one notice for all variants.
func TestSyntaxFallback(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	df := "# syntax=127.0.0.1:1/no/frontend:1\nFROM busybox\nRUN echo " + t.Name() + " > /x\n"
	dir := btContext(t, map[string]string{"Dockerfile": df, "Dockerfile.b": df + "RUN true\n"})
	notices := &btLog{}
	rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Notices: notices,
		Variants: []buildflags.Variant{{Name: "a", Dockerfile: filepath.Join(dir, "Dockerfile")}, {Name: "b", Dockerfile: filepath.Join(dir, "Dockerfile.b")}}})
	if n := strings.Count(notices.String(), "built-in Dockerfile frontend"); n != 1 {
		t.Errorf("%d notices, want 1:\n%s", n, notices)
	}
	if len(rep.Variants) != 2 {
		t.Errorf("%d variants built", len(rep.Variants))
	}
	notices = &btLog{}
	btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Notices: notices, BuiltinFrontend: true})
	if !strings.Contains(notices.String(), "--builtin-frontend") {
		t.Errorf("no notice with --builtin-frontend: %q", notices)
	}
}

// --max-disk prunes the cache between variants when they do not fit
// together, and stops a variant that alone cannot fit.
func TestMaxDisk(t *testing.T) {
	t.Parallel()
	d, c := btPrivateDaemon(t)
	const mb = 1_000_000
	dir := btContext(t, map[string]string{
		"Dockerfile.a":   "FROM busybox\nRUN dd if=/dev/urandom of=/a bs=1M count=12 2>/dev/null\n",
		"Dockerfile.b":   "FROM busybox\nRUN dd if=/dev/urandom of=/b bs=1M count=12 2>/dev/null\n",
		"Dockerfile.big": "FROM busybox\nRUN dd if=/dev/urandom of=/c bs=1M count=15 2>/dev/null\nRUN dd if=/dev/urandom of=/d bs=1M count=15 2>/dev/null\nRUN sleep 5\n",
	})
	// Each variant takes ~12 MB of snapshot plus ~12 MB of compressed
	// blob; two do not fit in 40 MB, one does.
	rep := btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), MaxDisk: 40 * mb,
		DiskPollInterval: 200 * time.Millisecond,
		Variants:         []buildflags.Variant{{Name: "a", Dockerfile: filepath.Join(dir, "Dockerfile.a")}, {Name: "b", Dockerfile: filepath.Join(dir, "Dockerfile.b")}}})
	if rep.Disk.Pruned == 0 {
		t.Errorf("nothing pruned: %+v", rep.Disk)
	}
	if rep.Disk.Limit != 40*mb || rep.Disk.Peak == 0 {
		t.Errorf("disk %+v", rep.Disk)
	}
	if rep.Disk.After > 40*mb {
		t.Errorf("builder ends at %d B, over the 40 MB budget", rep.Disk.After)
	}

	start := time.Now()
	rep, err := btBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), MaxDisk: 25 * mb,
		DiskPollInterval: 200 * time.Millisecond,
		Variants:         []buildflags.Variant{{Name: "big", Dockerfile: filepath.Join(dir, "Dockerfile.big")}}})
	var de *buildkit.DiskBudgetError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want a DiskBudgetError", err, err)
	}
	if de.Variant != "big" || !strings.Contains(err.Error(), "--max-disk") {
		t.Errorf("error %q", err)
	}
	// It stopped before the last step, not after.
	if time.Since(start) > 60*time.Second {
		t.Errorf("took %s to stop", time.Since(start))
	}
	if rep == nil || rep.Variants[0].Status != report.StatusFailed {
		t.Errorf("report %+v", rep)
	}

	// With a builder on this machine, its filesystem's free space is
	// watched too: a build stops while MinFree is left (here: asking for
	// more free space than any disk has).
	_, err = btBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), MaxDisk: 1 << 40,
		DiskPollInterval: 200 * time.Millisecond, BuilderRoot: d.Root(), MinFree: 1 << 60,
		Variants: []buildflags.Variant{{Name: "big", Dockerfile: filepath.Join(dir, "Dockerfile.big")}}})
	var fe *buildkit.DiskFullError
	if !errors.As(err, &fe) || fe.Root != d.Root() {
		t.Fatalf("error %v (%T), want a DiskFullError for %s", err, err, d.Root())
	}
}

// Killing buildkitd during a build gives a clean error, not a hang; so
// does running past the timeout.
func TestBuilderLost(t *testing.T) {
	t.Parallel()
	d, c := btPrivateDaemon(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo started && sleep 120\n"})
	log := &btLog{}
	go func() {
		for !strings.Contains(log.String(), "started") {
			time.Sleep(50 * time.Millisecond)
		}
		p, err := os.FindProcess(d.PID())
		if err == nil {
			_ = p.Kill()
		}
	}()
	start := time.Now()
	_, err := btBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Progress: "plain", ProgressOut: log, BuilderAddr: d.Addr()})
	var ce *buildkit.ConnectionError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want a ConnectionError", err, err)
	}
	if !strings.Contains(err.Error(), d.Addr()) {
		t.Errorf("error %q does not name the builder", err)
	}
	if el := time.Since(start); el > 60*time.Second {
		t.Errorf("took %s to notice the builder was gone", el)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo " + t.Name() + time.Now().String() + " && sleep 60\n"})
	start := time.Now()
	_, err := btBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Timeout: 3 * time.Second})
	var te *buildkit.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T), want a TimeoutError", err, err)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("a 3s timeout took %s", el)
	}
}

// btWriteBytes is what this process has written to storage so far.
func btWriteBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Fatalf("reading /proc/self/io: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "write_bytes: "); ok {
			var n int64
			for _, c := range v {
				n = n*10 + int64(c-'0')
			}
			return n
		}
	}
	t.Fatal("no write_bytes in /proc/self/io")
	return 0
}

// plimsoll itself writes nothing to disk for --output none and --push
// (the image is analyzed from the exporter's stream), and one copy of the
// image for a file output. buildkitd is another process: its writes are
// the builder's own state. Not parallel, so that no other test writes
// while it measures.
func TestExtraDiskWrites(t *testing.T) {
	b := testenv.BuildKit(t)
	reg := testenv.Registry(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN dd if=/dev/urandom of=/r bs=1M count=8 2>/dev/null\n"})
	cfg := t.TempDir()
	base := btBase(t, "busybox")
	measure := func(o buildkit.BuildOptions) (int64, *report.Build) {
		o.ContextDir, o.Contexts, o.DockerConfigDir = dir, base, cfg
		o.ProgressOut, o.Notices = io.Discard, io.Discard
		before := btWriteBytes(t)
		rep, err := buildkit.Build(context.Background(), b.Client, o)
		after := btWriteBytes(t)
		if err != nil {
			t.Fatal(err)
		}
		return after - before, rep
	}
	const slack = 64 << 10 // page-granular accounting of small writes
	if n, rep := measure(buildkit.BuildOptions{}); n > slack {
		t.Errorf("--output none wrote %d B (image %d B compressed)", n, rep.Variants[0].CompressedBytes)
	}
	analyzeStream := func(ctx context.Context, _ string, r io.Reader) error {
		_, err := analyze.FromOCIStream(ctx, r, analyze.Options{})
		return err
	}
	if n, _ := measure(buildkit.BuildOptions{Analyze: analyzeStream}); n > slack {
		t.Errorf("--output none with the analysis wrote %d B", n)
	}
	if n, _ := measure(buildkit.BuildOptions{Push: true, Tags: []string{reg + "/plimsoll/disk:1"}, RegistryInsecure: true}); n > slack {
		t.Errorf("--push wrote %d B", n)
	}
	archive := filepath.Join(t.TempDir(), "img.tar")
	n, rep := measure(buildkit.BuildOptions{Outputs: []buildflags.Output{{Type: buildflags.OutputOCIArchive, Path: archive}}})
	fi, err := os.Stat(archive)
	if err != nil {
		t.Fatal(err)
	}
	if n < fi.Size() || n > fi.Size()+slack {
		t.Errorf("--output oci-archive wrote %d B for a %d B archive (image %d B compressed): want one copy", n, fi.Size(), rep.Variants[0].CompressedBytes)
	}
}

// Analyze gets each variant's image as a stream that pkg/analyze reads
// once; its figures agree with the report's.
func TestAnalyzeHook(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo " + t.Name() + " > /a && dd if=/dev/urandom of=/r bs=1k count=100 2>/dev/null\nRUN rm /r\n"})
	var mu sync.Mutex
	got := map[string]*analyze.Analysis{}
	hook := func(ctx context.Context, variant string, r io.Reader) error {
		a, err := analyze.FromOCIStream(ctx, r, analyze.Options{Name: variant})
		if err != nil {
			return err
		}
		mu.Lock()
		got[variant] = a
		mu.Unlock()
		return nil
	}
	for _, outs := range [][]buildflags.Output{nil, {{Type: buildflags.OutputOCILayout, Path: filepath.Join(t.TempDir(), "l")}}} {
		rep := btMustBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Analyze: hook, Outputs: outs})
		v := rep.Variants[0]
		a := got["default"]
		if a == nil {
			t.Fatalf("outputs %v: the hook saw no image", outs)
		}
		if a.SizeBytes != v.SizeBytes || a.CompressedBytes != v.CompressedBytes || len(a.Layers) != v.Layers {
			t.Errorf("outputs %v: analysis %d B / %d B / %d layers, report %d B / %d B / %d layers", outs, a.SizeBytes, a.CompressedBytes, len(a.Layers), v.SizeBytes, v.CompressedBytes, v.Layers)
		}
		if a.ReclaimableBytes < 100<<10 {
			t.Errorf("analysis finds %d B reclaimable, want the deleted 100 KiB file", a.ReclaimableBytes)
		}
		delete(got, "default")
	}
}

// The build-push-action flags reach the build: build args, labels,
// --platform, --network none, --add-host, --shm-size, --no-cache and an
// SSH agent forwarded with --ssh.
func TestBuildFlagsReachTheBuild(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	sock := btSSHAgent(t)
	dir := btContext(t, map[string]string{"Dockerfile": `FROM busybox
ARG GREETING
RUN echo "$GREETING" > /greeting
RUN cat /proc/net/dev | grep -c : > /ifaces
RUN grep -E '^10\.9\.8\.7[[:space:]]+db\.internal' /etc/hosts > /hosts
RUN df -k /dev/shm | tail -1 | awk '{print $2}' > /shm
RUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo forwarded > /ssh
`})
	out := filepath.Join(t.TempDir(), "l")
	o := buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"),
		BuildArgs: map[string]string{"GREETING": "hello " + t.Name()},
		Labels:    map[string]string{"org.opencontainers.image.source": "https://example.invalid/plimsoll"},
		Platforms: []string{"linux/amd64"}, Network: "none", AddHosts: []string{"db.internal=10.9.8.7"},
		ShmSize: 96 << 20, SSH: []buildflags.SSH{{ID: "default", Paths: []string{sock}}},
		Outputs: []buildflags.Output{{Type: buildflags.OutputOCILayout, Path: out}}}
	rep := btMustBuild(t, b.Client, o)
	img := btLayoutImage(t, out, rep.Variants[0].ImageDigest)
	files := map[string]string{}
	for _, layer := range btLayerFiles(t, img) {
		for p, c := range layer {
			files[p] = strings.TrimSpace(string(c))
		}
	}
	want := map[string]string{"greeting": "hello " + t.Name(), "ifaces": "1", "shm": "98304", "ssh": "forwarded"}
	for p, w := range want {
		if files[p] != w {
			t.Errorf("/%s = %q, want %q", p, files[p], w)
		}
	}
	if !strings.Contains(files["hosts"], "db.internal") {
		t.Errorf("/etc/hosts lacks the --add-host entry: %q", files["hosts"])
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.Labels["org.opencontainers.image.source"] != "https://example.invalid/plimsoll" || cf.Architecture != "amd64" {
		t.Errorf("config labels %v, architecture %s", cf.Config.Labels, cf.Architecture)
	}
	if rep.Variants[0].Platforms[0] != "linux/amd64" {
		t.Errorf("report platforms %v", rep.Variants[0].Platforms)
	}
	// --no-cache rebuilds every step.
	o.NoCache, o.Outputs = true, nil
	again := btMustBuild(t, b.Client, o)
	if v := again.Variants[0]; v.CacheHits != 0 || v.Steps != 5 {
		t.Errorf("--no-cache: %d cache hits of %d steps, want 0 of 5", v.CacheHits, v.Steps)
	}
}

// btSSHAgent serves an in-memory SSH agent on a unix socket.
func btSSHAgent(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kr := agent.NewKeyring()
	if err := kr.Add(agent.AddedKey{PrivateKey: key}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(kr, c)
			}()
		}
	}()
	return sock
}

// --prune-after keeps only what this build used: an earlier build's cache
// goes, this build's stays; keep-storage bounds what is kept.
func TestPruneAfter(t *testing.T) {
	t.Parallel()
	_, c := btPrivateDaemon(t)
	dir := btContext(t, map[string]string{
		"Dockerfile.old": "FROM busybox\nRUN dd if=/dev/urandom of=/old bs=1M count=4 2>/dev/null\n",
		"Dockerfile.new": "FROM busybox\nRUN dd if=/dev/urandom of=/new bs=1M count=4 2>/dev/null\n",
	})
	variant := func(n string) []buildflags.Variant {
		return []buildflags.Variant{{Name: n, Dockerfile: filepath.Join(dir, "Dockerfile."+n)}}
	}
	base := btBase(t, "busybox")
	btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: base, Variants: variant("old")})
	time.Sleep(1500 * time.Millisecond) // so that "used by this build" excludes the first
	rep := btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: base, Variants: variant("new"), PruneAfter: &buildflags.Prune{SinceBuild: true}})
	if rep.Disk.Pruned < 4_000_000 || rep.Disk.After >= rep.Disk.Peak {
		t.Errorf("disk %+v: want the first build's 4 MB pruned", rep.Disk)
	}
	if again := btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: base, Variants: variant("new")}); again.Variants[0].CacheHits != 1 {
		t.Errorf("this build's own step was pruned: %d cache hits", again.Variants[0].CacheHits)
	}
	if again := btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: base, Variants: variant("old")}); again.Variants[0].CacheHits != 0 {
		t.Errorf("the earlier build's step survived: %d cache hits", again.Variants[0].CacheHits)
	}
	rep = btMustBuild(t, c, buildkit.BuildOptions{ContextDir: dir, Contexts: base, Variants: variant("new"), PruneAfter: &buildflags.Prune{KeepStorage: 1}})
	if rep.Disk.After > 1_000_000 {
		t.Errorf("keep-storage=1B left %d B", rep.Disk.After)
	}
}

// A variant that fails does not spoil the one before it (still exporting
// while the next builds), and stops the ones after it.
func TestVariantFailureOrder(t *testing.T) {
	t.Parallel()
	b := testenv.BuildKit(t)
	dir := btContext(t, map[string]string{
		"Dockerfile.ok":  "FROM busybox\nRUN dd if=/dev/urandom of=/r bs=1M count=20 2>/dev/null && echo " + t.Name() + "\n",
		"Dockerfile.bad": "FROM busybox\nRUN echo failing-variant && exit 4\n",
	})
	v := func(n string) buildflags.Variant {
		return buildflags.Variant{Name: n, Dockerfile: filepath.Join(dir, "Dockerfile."+n)}
	}
	rep, err := btBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Variants: []buildflags.Variant{v("ok"), v("bad")}})
	var se *buildkit.StepError
	if !errors.As(err, &se) || se.Variant != "bad" {
		t.Fatalf("error %v, want the bad variant's step error", err)
	}
	if len(rep.Variants) != 2 || rep.Variants[0].Status != report.StatusOK || rep.Variants[0].ImageDigest == "" || rep.Variants[1].Status != report.StatusFailed {
		t.Errorf("report %+v", rep.Variants)
	}
	rep, err = btBuild(t, b.Client, buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Variants: []buildflags.Variant{v("bad"), v("ok")}})
	if !errors.As(err, &se) || se.Variant != "bad" || len(rep.Variants) != 1 {
		t.Errorf("bad first: error %v, %d variants in the report; want the step error and no later variant", err, len(rep.Variants))
	}
}

// --push authenticates with the credentials of the Docker config file,
// which BuildKit asks for through the session's auth provider; without
// them the push fails with an error that names the registry and never
// holds the password.
func TestPushWithDockerConfigAuth(t *testing.T) {
	t.Parallel()
	const user, pass = "ci", "s3cret-registry-pass"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="plimsoll-test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := ln.Addr().String()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{Config: testenv.DaemonConfig(addr)})
	if err != nil {
		t.Fatalf("starting a private buildkitd: %v (run `make test`)", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	c, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: d.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })

	dir := btContext(t, map[string]string{"Dockerfile": "FROM busybox\nRUN echo " + t.Name() + " > /x\n"})
	tag := addr + "/private/app:1"
	o := buildkit.BuildOptions{ContextDir: dir, Contexts: btBase(t, "busybox"), Push: true, Tags: []string{tag}, RegistryInsecure: true}

	_, err = btBuild(t, c, o) // an empty Docker config: no credentials
	if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "docker login") {
		t.Errorf("push without credentials: error %v, want one naming %s", err, addr)
	}

	cfg := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"auths":{"`+addr+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	o.DockerConfigDir = cfg
	progress := &btLog{}
	o.Progress, o.ProgressOut = "plain", progress
	rep := btMustBuild(t, c, o)
	ref, err := name.ParseReference(rep.Variants[0].Outputs[0].Ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref, remote.WithAuth(&authn.Basic{Username: user, Password: pass}))
	if err != nil {
		t.Fatalf("pulling %s back: %v", ref, err)
	}
	btCheckStats(t, rep.Variants[0], img)
	var buf bytes.Buffer
	if err := report.Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if out := progress.String() + buf.String(); strings.Contains(out, pass) || strings.Contains(out, auth) {
		t.Error("the password reached the progress log or the report")
	}
}
