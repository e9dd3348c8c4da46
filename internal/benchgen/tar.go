package benchgen

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// modTime is every entry's modification time, for reproducible bytes.
var modTime = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// LayerStats counts what a generated layer holds.
type LayerStats struct {
	Entries    int   `json:"entries"`
	Files      int   `json:"files"` // regular files, whiteouts excluded
	Dirs       int   `json:"dirs"`
	Symlinks   int   `json:"symlinks"`
	Hardlinks  int   `json:"hardlinks"`
	Whiteouts  int   `json:"whiteouts"`   // .wh.NAME markers
	OpaqueDirs int   `json:"opaque_dirs"` // .wh..wh..opq markers
	FileBytes  int64 `json:"file_bytes"`  // sum of regular file sizes
}

// writeLayer writes the layer's uncompressed tar to w. It streams: memory
// is one copy buffer plus the set of directory names.
func writeLayer(ctx context.Context, w io.Writer, c Config, spec layerSpec) (LayerStats, error) {
	tw := tar.NewWriter(w)
	buf := make([]byte, 256*kib)
	st, err := walkLayer(ctx, c, spec, func(hdr *tar.Header, e entry) error {
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Size == 0 {
			return nil
		}
		_, err := io.CopyBuffer(tw, newContent(fileSeed(c.Seed, e.path, e.version), e.kind, e.size), buf)
		return err
	})
	if err != nil {
		return st, err
	}
	if err := tw.Close(); err != nil {
		return st, fmt.Errorf("generating layer %s: %w", spec.name, err)
	}
	return st, nil
}

// walkLayer calls fn with the tar header of each entry of the layer, in
// order, adding each missing parent directory before its first child, as
// docker and BuildKit do. For a directory fn gets a zero entry.
func walkLayer(ctx context.Context, c Config, spec layerSpec, fn func(*tar.Header, entry) error) (LayerStats, error) {
	var st LayerStats
	dirs := map[string]bool{}
	var addDir func(p string) error
	addDir = func(p string) error {
		if p == "" || dirs[p] {
			return nil
		}
		parent, _ := splitPath(p)
		if err := addDir(parent); err != nil {
			return err
		}
		dirs[p] = true
		st.Entries++
		st.Dirs++
		return fn(&tar.Header{Typeflag: tar.TypeDir, Name: p + "/", Mode: 0o755, ModTime: modTime}, entry{})
	}
	err := spec.emit(c, func(e entry) error {
		if st.Entries%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		parent, base := splitPath(e.path)
		if err := addDir(parent); err != nil {
			return err
		}
		if e.typ == tar.TypeDir {
			return addDir(e.path)
		}
		hdr := &tar.Header{Typeflag: e.typ, Name: e.path, Mode: e.mode, ModTime: modTime, Linkname: e.link}
		st.Entries++
		switch {
		case base == ".wh..wh..opq":
			st.OpaqueDirs++
		case strings.HasPrefix(base, ".wh."):
			st.Whiteouts++
		case e.typ == tar.TypeSymlink:
			st.Symlinks++
		case e.typ == tar.TypeLink:
			st.Hardlinks++
		default:
			st.Files++
			st.FileBytes += e.size
			hdr.Size = e.size
		}
		return fn(hdr, e)
	})
	if err != nil {
		return st, fmt.Errorf("generating layer %s: %w", spec.name, err)
	}
	return st, nil
}
