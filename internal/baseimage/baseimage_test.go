package baseimage

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
)

func TestMirrorIn(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		deb822     bool
		want       string
	}{
		{"deb822", "Types: deb\nURIs: http://deb.example.org/debian\nSuites: bookworm\n", true, "http://deb.example.org/debian"},
		{"deb822 security first", "URIs: http://deb.example.org/debian-security\n\nURIs: http://mirror.example/debian/\n", true, "http://mirror.example/debian"},
		{"one-line", "# comment\ndeb http://ftp.de.debian.org/debian bookworm main\n", false, "http://ftp.de.debian.org/debian"},
		{"one-line options", "deb [arch=amd64 signed-by=/k.gpg] https://m.example/debian bookworm main\n", false, "https://m.example/debian"},
		{"deb-src only", "deb-src http://deb.example.org/debian bookworm main\n", false, ""},
		{"commented", "#URIs: http://deb.example.org/debian\n", true, ""},
		{"not debian", "deb http://archive.ubuntu.com/ubuntu jammy main\n", false, ""},
	} {
		if got := mirrorIn(tc.text, tc.deb822); got != tc.want {
			t.Errorf("%s: mirrorIn = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMirrorFromAPT(t *testing.T) {
	etc := t.TempDir()
	if got := MirrorFromAPT(etc); got != "" {
		t.Errorf("empty /etc/apt: %q", got)
	}
	os.MkdirAll(filepath.Join(etc, "sources.list.d"), 0o755)
	os.WriteFile(filepath.Join(etc, "sources.list.d", "x.sources"), []byte("URIs: http://m.example/debian\n"), 0o644)
	os.WriteFile(filepath.Join(etc, "sources.list.d", "x.list.disabled"), []byte("deb http://wrong.example/debian b main\n"), 0o644)
	if got := MirrorFromAPT(etc); got != "http://m.example/debian" {
		t.Errorf("MirrorFromAPT = %q", got)
	}
}

func FuzzMirrorIn(f *testing.F) {
	f.Add("URIs: http://deb.example.org/debian\n", true)
	f.Add("deb [arch=amd64] http://deb.example.org/debian bookworm main\n", false)
	f.Fuzz(func(t *testing.T, text string, deb822 bool) {
		got := mirrorIn(text, deb822)
		if got != "" && !bytes.Contains([]byte(text), []byte(got)) {
			t.Errorf("mirrorIn returned %q, which is not in its input", got)
		}
	})
}

// TestTarTree checks the layer writer: lexical order, directories with a
// trailing slash, symlinks, hard links as links, no device nodes or FIFOs.
func TestTarTree(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "b/c"), 0o755)
	os.WriteFile(filepath.Join(root, "b/c/file"), []byte("hello"), 0o644)
	os.Link(filepath.Join(root, "b/c/file"), filepath.Join(root, "a-link"))
	os.Symlink("/b/c/file", filepath.Join(root, "sym"))
	if err := mkfifo(filepath.Join(root, "fifo")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tarTree(&buf, root); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(&buf)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(h.Typeflag)+" "+h.Name+" "+h.Linkname)
	}
	want := []string{"0 a-link ", "5 b/ ", "5 b/c/ ", "1 b/c/file a-link", "2 sym /b/c/file"}
	if len(got) != len(want) {
		t.Fatalf("entries = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestMakeBusybox makes the busybox image from the real busybox-static
// into a temporary cache and reads it back.
func TestMakeBusybox(t *testing.T) {
	cache := t.TempDir()
	dir, err := Make(context.Background(), "busybox", Options{Cache: cache})
	if err != nil {
		t.Fatalf("Make busybox: %v (run `make test-deps`, which installs busybox-static)", err)
	}
	if dir != Dir(cache, "busybox") {
		t.Errorf("dir = %s, want %s", dir, Dir(cache, "busybox"))
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, _ := p.ImageIndex()
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 || im.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != RefName {
		t.Fatalf("index: %v %+v", err, im)
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil || cf.OS != "linux" || len(cf.RootFS.DiffIDs) != 1 {
		t.Fatalf("config: %v %+v", err, cf)
	}
	ls, _ := img.Layers()
	rc, err := ls[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	names := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names[h.Name] = true
	}
	for _, n := range []string{"bin/busybox", "bin/sh", "etc/passwd", "tmp/"} {
		if !names[n] {
			t.Errorf("layer lacks %s", n)
		}
	}
	// A second Make finds it and does nothing.
	if _, err := Make(context.Background(), "busybox", Options{Cache: cache, Busybox: "/nonexistent"}); err != nil {
		t.Errorf("second Make: %v", err)
	}
	if _, err := Make(context.Background(), "alpine", Options{Cache: cache}); err == nil {
		t.Error("Make alpine succeeded")
	}
}
func mkfifo(p string) error { return syscall.Mkfifo(p, 0o644) }
