package analyze

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Whiteout markers of the OCI / overlayfs layer format.
const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh."
	opaqueMarker   = ".wh..wh..opq"
)

// maxEntrySize is the largest tar entry size accepted (1 TiB). A header that
// claims more is hostile or corrupt.
const maxEntrySize = 1 << 40

// maxPathLen is Linux's PATH_MAX: no real file has a longer path.
const maxPathLen = 4096

// EntryKind classifies a layer entry.
type EntryKind uint8

// The kinds of entry.
const (
	KindFile     EntryKind = iota // regular file
	KindDir                       // directory
	KindSymlink                   // symbolic link
	KindHardlink                  // hard link to an earlier entry
	KindOther                     // device, fifo
	KindWhiteout                  // .wh.NAME: deletes NAME from lower layers
	KindOpaque                    // .wh..wh..opq: hides the lower contents of its directory
	KindMeta                      // other .wh..wh.* metadata (aufs), ignored
)

// Entry is one tar entry of a layer, without its contents.
type Entry struct {
	// Path is the cleaned path, relative to the root, as dive records it
	// (path.Clean of the tar name; the whiteout prefix is kept).
	Path string
	// Link is the symlink or hardlink target.
	Link string
	// Size is the tar header size (dive counts it for every entry type).
	Size int64
	// Hash is the xxhash64 of a regular file's contents.
	Hash uint64
	// Mode is the tar header mode.
	Mode int64
	Kind EntryKind
	// IsDir is dive's notion of a directory (tar type or mode bits).
	IsDir bool
}

// LayerIndex is the compact, order-preserving list of one layer's entries:
// everything the merge needs, nothing of the contents.
type LayerIndex struct {
	Entries []Entry
	// Size is the sum of the entries' header sizes (dive's layer size).
	Size int64
	// TarBytes is the length of the uncompressed tar stream.
	TarBytes int64
}

// LayerError is a problem with one layer (and, when known, one entry).
type LayerError struct {
	Layer string // "layer 2 (sha256:…)"
	Entry string // tar entry name, "" when the layer as a whole is bad
	Err   error
}

func (e *LayerError) Error() string {
	if e.Entry != "" {
		return fmt.Sprintf("%s: entry %q: %v", e.Layer, e.Entry, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Layer, e.Err)
}

func (e *LayerError) Unwrap() error { return e.Err }

// Compression of a layer stream, sniffed from its first bytes.
type Compression string

// Known compressions.
const (
	Uncompressed Compression = "none"
	Gzip         Compression = "gzip"
	Zstd         Compression = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// Decompress sniffs r and returns a reader of the uncompressed tar stream.
// Close releases decoder resources; it does not close r.
func Decompress(r io.Reader) (io.ReadCloser, Compression, error) {
	src := &errSource{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", fmt.Errorf("reading layer: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, Gzip, fmt.Errorf("corrupt gzip stream: %w", err)
		}
		zr.Multistream(true)
		return annotated{zr, "gzip", src}, Gzip, nil
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27), zstd.WithDecoderMaxMemory(1<<31))
		if err != nil {
			return nil, Zstd, fmt.Errorf("corrupt zstd stream: %w", err)
		}
		return annotated{zstdCloser{zr}, "zstd", src}, Zstd, nil
	default:
		return io.NopCloser(br), Uncompressed, nil
	}
}

// errSource remembers the error its reader returned, so that a failure
// to read the stored blob (a network error, a canceled context) is not
// taken for corrupt data.
type errSource struct {
	r   io.Reader
	err error
}

func (s *errSource) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
	}
	return n, err
}

// annotated says which decompressor failed on the data.
type annotated struct {
	rc   io.ReadCloser
	kind string
	src  *errSource
}

func (a annotated) Read(p []byte) (int, error) {
	n, err := a.rc.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && (a.src.err == nil || !errors.Is(err, a.src.err)) {
		err = fmt.Errorf("corrupt %s stream: %w", a.kind, err)
	}
	return n, err
}

func (a annotated) Close() error { return a.rc.Close() }

type zstdCloser struct{ *zstd.Decoder }

func (z zstdCloser) Close() error { z.Decoder.Close(); return nil }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ReadLayer indexes one uncompressed layer tar stream. It reads the stream
// once, hashing regular files, and never stores contents. label names the
// layer in errors.
func ReadLayer(r io.Reader, label string) (*LayerIndex, error) {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	idx := &LayerIndex{}
	buf := make([]byte, 256<<10)
	h := xxhash.New()
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &LayerError{Layer: label, Err: fmt.Errorf("reading tar after %d entries: %w", len(idx.Entries), err)}
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		e, skip, err := entryFromHeader(hdr)
		if err != nil {
			return nil, &LayerError{Layer: label, Entry: hdr.Name, Err: err}
		}
		if skip {
			continue
		}
		if e.Kind == KindFile && hdr.Size > 0 && !isSparse(hdr) {
			h.Reset()
			// (The tar reader stops at hdr.Size, bounded by maxEntrySize,
			// and the contents are hashed, never kept.)
			n, err := io.CopyBuffer(h, tr, buf) //nolint:gosec // G110: see above
			if err != nil {
				return nil, &LayerError{Layer: label, Entry: hdr.Name, Err: fmt.Errorf("reading contents (%d of %d bytes): %w", n, hdr.Size, truncated(err))}
			}
			e.Hash = h.Sum64()
		} else if e.Kind == KindFile {
			e.Hash = xxhash.Sum64(nil)
		}
		idx.Size += e.Size
		idx.Entries = append(idx.Entries, e)
	}
	idx.TarBytes = cr.n
	return idx, nil
}

// isSparse reports a GNU sparse file: reading it would synthesize its
// holes (up to the header's size) as zeros, so its contents are not hashed.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func truncated(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated layer: %w", err)
	}
	return err
}

// entryFromHeader validates a header and turns it into an Entry. skip is
// true for the root directory itself.
func entryFromHeader(hdr *tar.Header) (e Entry, skip bool, err error) {
	name := hdr.Name
	if name == "" {
		return e, false, errors.New("empty entry name")
	}
	if strings.HasPrefix(name, "/") {
		return e, false, errors.New("absolute path in layer (entries must be relative to the root)")
	}
	if hasDotDot(name) {
		return e, false, errors.New(`path contains ".." (it would escape the root)`)
	}
	if strings.IndexByte(name, 0) >= 0 {
		return e, false, errors.New("path contains a NUL byte")
	}
	if hdr.Size < 0 || hdr.Size > maxEntrySize {
		return e, false, fmt.Errorf("implausible entry size %d bytes in the tar header", hdr.Size)
	}
	if len(name) > maxPathLen {
		return e, false, fmt.Errorf("path longer than %d bytes", maxPathLen)
	}
	clean := path.Clean(name)
	if clean == "." {
		return e, true, nil
	}
	fi := hdr.FileInfo()
	e = Entry{Path: clean, Link: hdr.Linkname, Size: hdr.Size, Mode: hdr.Mode, IsDir: fi.IsDir()}
	base := path.Base(clean)
	switch {
	case base == opaqueMarker:
		e.Kind = KindOpaque
	case strings.HasPrefix(base, whiteoutMeta):
		e.Kind = KindMeta
	case strings.HasPrefix(base, whiteoutPrefix):
		e.Kind = KindWhiteout
		if base == whiteoutPrefix {
			return e, false, errors.New("whiteout without a name")
		}
	default:
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse: // (the reader turns the old TypeRegA into TypeReg)
			e.Kind = KindFile
		case tar.TypeDir:
			e.Kind = KindDir
		case tar.TypeSymlink:
			e.Kind = KindSymlink
			if hdr.Linkname == "" {
				return e, false, errors.New("symlink without a target")
			}
		case tar.TypeLink:
			e.Kind = KindHardlink
			target := path.Clean(strings.TrimPrefix(hdr.Linkname, "/"))
			if hdr.Linkname == "" || target == "." {
				return e, false, errors.New("hardlink without a target")
			}
			if hasDotDot(hdr.Linkname) {
				return e, false, fmt.Errorf("hardlink target %q escapes the root", hdr.Linkname)
			}
			if target == clean {
				return e, false, errors.New("hardlink loop: the entry links to itself")
			}
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			e.Kind = KindOther
		default:
			// Unknown types are kept (dive counts them too) but never
			// treated as files.
			e.Kind = KindOther
			if fi.IsDir() {
				e.Kind = KindDir
			}
		}
	}
	return e, false, nil
}

func hasDotDot(p string) bool {
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}
