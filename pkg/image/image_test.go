package image

import (
	"archive/tar"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/plimsoll/plimsoll/pkg/report"
)

func randomImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func multiPlatform(t *testing.T) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, arch := range []string{"amd64", "arm64"} {
		adds = append(adds, mutate.IndexAddendum{Add: randomImage(t, arch), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	return mutate.AppendManifests(empty.Index, adds...)
}

func digestOf(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestOCILayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := randomImage(t, "amd64")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "v1"})); err != nil {
		t.Fatal(err)
	}
	other := randomImage(t, "amd64")
	if err := p.AppendImage(other, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "v2"})); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, ref := range []string{"oci-layout://" + dir + ":v1", "oci-layout://" + dir + "@" + digestOf(t, img)} {
		srcs, err := Open(ctx, ref, Options{})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if len(srcs) != 1 || digestOf(t, srcs[0].Image) != digestOf(t, img) {
			t.Errorf("%s: got %d sources, want the v1 image", ref, len(srcs))
		}
	}
	if _, err := Open(ctx, "oci-layout://"+dir+":nope", Options{}); err == nil || !strings.Contains(err.Error(), "v1, v2") {
		t.Errorf("unknown tag: err = %v, want the list of tags", err)
	}
	if _, err := Open(ctx, "oci-layout://"+dir, Options{}); err == nil || !strings.Contains(err.Error(), "tags v1, v2") {
		t.Errorf("two tagged images, no tag: err = %v", err)
	}
	if _, err := Open(ctx, "oci-layout://"+filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("missing layout: no error")
	}
}

func TestIndexPlatforms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := layout.Write(dir, multiPlatform(t)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srcs, err := Open(ctx, "oci-layout://"+dir, Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Platform != "linux/arm64" {
		t.Fatalf("--platform linux/arm64: got %+v", srcs)
	}
	cf, _ := srcs[0].Image.ConfigFile()
	if cf.Architecture != "arm64" {
		t.Errorf("picked %s image", cf.Architecture)
	}
	all, err := Open(ctx, "oci-layout://"+dir, Options{AllPlatforms: true})
	if err != nil || len(all) != 2 {
		t.Fatalf("--all-platforms: %d sources, err %v", len(all), err)
	}
	if _, err := Open(ctx, "oci-layout://"+dir, Options{Platform: "linux/s390x"}); err == nil || !strings.Contains(err.Error(), "linux/amd64, linux/arm64") {
		t.Errorf("missing platform: err = %v", err)
	}
	if _, err := Open(ctx, "oci-layout://"+dir, Options{Platform: "linux/arm64", AllPlatforms: true}); err == nil {
		t.Error("--platform with --all-platforms: no error")
	}
}

// tarDir writes dir's files into a tar file (an oci-archive).
func tarDir(t *testing.T, dir, out string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOCIArchive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := randomImage(t, "amd64")
	if _, err := layout.Write(dir, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img})); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "image.tar")
	tarDir(t, dir, archive)
	srcs, err := Open(context.Background(), "oci-archive://"+archive, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if digestOf(t, srcs[0].Image) != digestOf(t, img) {
		t.Error("wrong image")
	}
	layers, err := srcs[0].Image.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
}

func TestDockerArchive(t *testing.T) {
	t.Parallel()
	img := randomImage(t, "amd64")
	gzPath := filepath.Join(t.TempDir(), "gz.tar")
	if err := tarball.WriteToFile(gzPath, nil, img); err != nil {
		t.Fatal(err)
	}
	srcs, err := Open(context.Background(), "docker-archive://"+gzPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].StoredUncompressed {
		t.Error("ggcr's tarball.Write stores gzip layers; StoredUncompressed should be false")
	}
	// Two images in one archive: FILE:TAG picks one.
	multi := filepath.Join(t.TempDir(), "multi.tar")
	other := randomImage(t, "arm64")
	refs := map[name.Reference]v1.Image{}
	for tag, im := range map[string]v1.Image{"example.com/a:one": img, "example.com/b:two": other} {
		r, err := name.NewTag(tag)
		if err != nil {
			t.Fatal(err)
		}
		refs[r] = im
	}
	if err := tarball.MultiRefWriteToFile(multi, refs); err != nil {
		t.Fatal(err)
	}
	srcs, err = Open(context.Background(), "docker-archive://"+multi+":example.com/b:two", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if digestOf(t, srcs[0].Image) != digestOf(t, other) {
		t.Error("FILE:TAG picked the wrong image")
	}
	if _, err := Open(context.Background(), "docker-archive://"+multi, Options{}); err == nil || !strings.Contains(err.Error(), "FILE:TAG") {
		t.Errorf("multi-image archive without a tag: err = %v", err)
	}
	if _, err := Open(context.Background(), "docker-archive:///nonexistent.tar", Options{}); err == nil {
		t.Error("missing archive: no error")
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	ref, err := name.ParseReference(host + "/team/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	idx := multiPlatform(t)
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	srcs, err := Open(context.Background(), host+"/team/app:v1", Options{Platform: "linux/amd64", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Platform != "linux/amd64" {
		t.Fatalf("got %+v", srcs)
	}
	if _, err := Open(context.Background(), host+"/team/missing:v1", Options{Insecure: true}); err == nil {
		t.Error("missing repository: no error")
	}
}

func TestBuildReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := randomImage(t, "amd64")
	lay := filepath.Join(dir, "multi")
	p, err := layout.Write(lay, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	b := report.Build{Header: report.NewHeader(report.KindBuild), Variants: []report.Variant{
		{Name: "multi", Status: report.StatusOK, ImageDigest: digestOf(t, img), Outputs: []report.Output{{Type: report.OutputOCILayout, Path: "multi"}}},
		{Name: "single", Status: report.StatusFailed, Error: "RUN failed"},
		{Name: "streamed", Status: report.StatusOK, Outputs: []report.Output{{Type: report.OutputNone}}},
		// The registry it was pushed to is gone; the layout is still there.
		{Name: "fallback", Status: report.StatusOK, ImageDigest: digestOf(t, img), Outputs: []report.Output{
			{Type: report.OutputRegistry, Ref: closedPort(t) + "/gone@" + digestOf(t, img)},
			{Type: report.OutputOCILayout, Path: "multi"},
		}},
	}}
	file := filepath.Join(dir, "build.json")
	if err := report.WriteFile(file, b); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srcs, err := Open(ctx, file, Options{Variant: "multi"})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Name != "multi" || digestOf(t, srcs[0].Image) != digestOf(t, img) {
		t.Fatalf("got %+v", srcs)
	}
	if _, err := Open(ctx, "report://"+file, Options{Variant: "single"}); err == nil || !strings.Contains(err.Error(), "RUN failed") {
		t.Errorf("failed variant: err = %v", err)
	}
	if _, err := Open(ctx, "report://"+file, Options{Variant: "streamed"}); err == nil || !strings.Contains(err.Error(), "no output") {
		t.Errorf("output none: err = %v", err)
	}
	if srcs, err := Open(ctx, "report://"+file, Options{Variant: "fallback"}); err != nil || srcs[0].Name != "fallback" {
		t.Errorf("unreachable registry, then a layout: %+v, %v", srcs, err)
	}
	if _, err := Open(ctx, "report://"+file, Options{Variant: "nope"}); err == nil {
		t.Error("unknown variant: no error")
	}
}

func TestUnknownScheme(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), "ftp://x/y", Options{}); err == nil || !strings.Contains(err.Error(), "oci-layout://") {
		t.Errorf("err = %v", err)
	}
}

func TestDaemonUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-docker.sock"))
	_, err := Open(context.Background(), "docker-daemon://busybox:latest", Options{})
	if err == nil || !strings.Contains(err.Error(), "Docker daemon") {
		t.Fatalf("err = %v, want a message about the Docker daemon", err)
	}
	if !Unreachable(err) {
		t.Errorf("Unreachable(%v) = false, want true", err)
	}
}
