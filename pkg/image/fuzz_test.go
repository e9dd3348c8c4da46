package image

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzArchive feeds arbitrary bytes as a docker save archive and as an OCI
// archive: opening and reading them returns images or errors, never a
// panic, and never reads outside the file.
func FuzzArchive(f *testing.F) {
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "a.tar")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, scheme := range []string{SchemeDockerArchive, SchemeOCIArchive} {
			srcs, err := Open(context.Background(), scheme+file, Options{AllPlatforms: true})
			if err != nil {
				continue
			}
			for _, s := range srcs {
				readAll(s)
			}
		}
	})
}

// readAll touches everything analyze asks of an image, ignoring errors.
func readAll(s Source) {
	if _, err := s.Image.ConfigFile(); err != nil {
		return
	}
	layers, err := s.Image.Layers()
	if err != nil {
		return
	}
	for _, l := range layers {
		_, _ = l.MediaType()
		_, _ = l.DiffID()
		var rc io.ReadCloser
		if sb, ok := l.(interface {
			StoredBlob() (io.ReadCloser, int64, error)
		}); ok {
			rc, _, err = sb.StoredBlob()
		} else {
			rc, err = l.Compressed()
		}
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
		rc.Close()
	}
}
