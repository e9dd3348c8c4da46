package buildkit

import (
	"archive/tar"
	"bufio"
	"bytes"

	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// ImageStats are the figures the build report records for an image.
type ImageStats struct {
	// Digest is the manifest digest, or the index digest of a
	// multi-platform image; ConfigDigest, Layers and the sizes are those
	// of its first manifest.
	Digest       string
	ConfigDigest string
	Layers       int
	// Size is the sum of the sizes of the layers' entries (dive's "image
	// size", as pkg/analyze counts it); Compressed is the size of the
	// layer blobs.
	Size, Compressed int64
}

// maxJSONBlob bounds the blobs kept in memory while reading a stream:
// manifests, indexes and configs are small, layers are not kept.
const maxJSONBlob = 4 << 20

// blobInfo is what one blob of an OCI tar stream told us.
type blobInfo struct {
	size  int64  // bytes of the blob
	usize int64  // sum of the layer's entry sizes (-1: not a layer)
	data  []byte // the blob itself when it may be JSON
}

// StatsFromOCIStream reads an OCI image layout tar stream (what BuildKit's
// oci exporter sends) once, in whatever order its entries arrive, and
// returns the image's figures. Nothing is written to disk: layers are
// decompressed on the fly to count their bytes and then dropped; only the
// small JSON blobs are kept until the index can be resolved.
func StatsFromOCIStream(r io.Reader) (ImageStats, error) {
	tr := tar.NewReader(r)
	blobs := map[string]*blobInfo{}
	var index []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImageStats{}, fmt.Errorf("reading the image stream: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if isSparse(h) {
			// A sparse entry reads as its logical size in zeros: a few
			// bytes of stream could stand for exabytes. No exporter
			// writes one.
			return ImageStats{}, fmt.Errorf("the image stream has a sparse entry %q", h.Name)
		}
		name := strings.TrimPrefix(h.Name, "./")
		switch {
		case name == "index.json":
			if index, err = readSmall(tr, h.Size); err != nil {
				return ImageStats{}, fmt.Errorf("reading the image stream's index.json: %w", err)
			}
		case strings.HasPrefix(name, "blobs/"):
			parts := strings.Split(name, "/")
			if len(parts) != 3 {
				continue
			}
			b, err := readBlob(tr, h.Size)
			if err != nil {
				return ImageStats{}, fmt.Errorf("reading blob %s of the image stream: %w", name, err)
			}
			blobs[parts[1]+":"+parts[2]] = b
		}
	}
	if index == nil {
		return ImageStats{}, errors.New("the image stream has no index.json")
	}
	get := func(d string) (*blobInfo, error) {
		b, ok := blobs[d]
		if !ok {
			return nil, fmt.Errorf("blob %s is missing from the image stream", d)
		}
		return b, nil
	}
	return resolveStats(index, "", get)
}

// StatsFromLayout returns the figures of the image with the given manifest
// or index digest in an OCI layout directory (the first image when digest
// is ""). It reads the blobs in place.
func StatsFromLayout(dir, digest string) (ImageStats, error) {
	index, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return ImageStats{}, fmt.Errorf("reading OCI layout %s: %w", dir, err)
	}
	get := func(d string) (*blobInfo, error) {
		algo, hex, ok := strings.Cut(d, ":")
		if !ok || strings.ContainsAny(hex, "/\\.") {
			return nil, fmt.Errorf("bad digest %q", d)
		}
		f, err := os.Open(filepath.Join(dir, "blobs", algo, hex))
		if err != nil {
			return nil, fmt.Errorf("reading OCI layout %s: %w", dir, err)
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return readBlob(f, fi.Size())
	}
	return resolveStats(index, digest, get)
}

// resolveStats walks index.json -> (index ->) manifest -> config + layers.
func resolveStats(indexJSON []byte, want string, get func(string) (*blobInfo, error)) (ImageStats, error) {
	var idx ocispecs.Index
	if err := json.Unmarshal(indexJSON, &idx); err != nil {
		return ImageStats{}, fmt.Errorf("decoding index.json: %w", err)
	}
	if len(idx.Manifests) == 0 {
		return ImageStats{}, errors.New("index.json lists no image")
	}
	top := idx.Manifests[0]
	if want != "" {
		found := false
		for _, m := range idx.Manifests {
			if m.Digest.String() == want {
				top, found = m, true
				break
			}
		}
		if !found {
			return ImageStats{}, fmt.Errorf("index.json has no image %s", want)
		}
	}
	st := ImageStats{Digest: top.Digest.String()}
	desc := top
	for range 4 { // an index may nest (rarely) — follow at most a few levels
		b, err := get(desc.Digest.String())
		if err != nil {
			return ImageStats{}, err
		}
		if b.data == nil {
			return ImageStats{}, fmt.Errorf("blob %s is not a manifest", desc.Digest)
		}
		var probe struct {
			MediaType string                `json:"mediaType"`
			Manifests []ocispecs.Descriptor `json:"manifests"`
			Config    *ocispecs.Descriptor  `json:"config"`
			Layers    []ocispecs.Descriptor `json:"layers"`
		}
		if err := json.Unmarshal(b.data, &probe); err != nil {
			return ImageStats{}, fmt.Errorf("decoding manifest %s: %w", desc.Digest, err)
		}
		if probe.Config == nil {
			next, ok := firstImage(probe.Manifests)
			if !ok {
				return ImageStats{}, fmt.Errorf("index %s lists no image manifest", desc.Digest)
			}
			desc = next
			continue
		}
		st.ConfigDigest = probe.Config.Digest.String()
		st.Layers = len(probe.Layers)
		for _, l := range probe.Layers {
			st.Compressed += l.Size
			lb, err := get(l.Digest.String())
			if err != nil {
				return ImageStats{}, err
			}
			if lb.usize < 0 {
				return ImageStats{}, fmt.Errorf("layer %s is not a tar archive", l.Digest)
			}
			st.Size += lb.usize
		}
		return st, nil
	}
	return ImageStats{}, errors.New("image index nests too deeply")
}

// firstImage picks the first platform manifest of an index, skipping
// attestation manifests.
func firstImage(ds []ocispecs.Descriptor) (ocispecs.Descriptor, bool) {
	for _, d := range ds {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		if d.Platform != nil && d.Platform.OS == "unknown" {
			continue
		}
		return d, true
	}
	return ocispecs.Descriptor{}, false
}

func readSmall(r io.Reader, n int64) ([]byte, error) {
	if n > maxJSONBlob {
		return nil, fmt.Errorf("%d bytes is too big", n)
	}
	return io.ReadAll(io.LimitReader(r, n))
}

// readBlob consumes one blob: small ones that start like JSON are kept;
// layers (gzip, zstd or plain tar) are read through once to sum the sizes
// of their entries, the way dive and pkg/analyze count an image's size.
func readBlob(r io.Reader, n int64) (*blobInfo, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, n), 64<<10)
	head, _ := br.Peek(4)
	b := &blobInfo{size: n, usize: -1}
	var layer io.Reader
	switch {
	case n <= maxJSONBlob && len(head) > 0 && head[0] == '{':
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		b.data = data
		return b, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip layer: %w", err)
		}
		layer = zr
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("zstd layer: %w", err)
		}
		defer zr.Close()
		layer = zr
	default:
		layer = br
	}
	size, err := tarContentSize(layer)
	if err == nil {
		b.usize = size
	}
	// Whatever is left (padding, or a blob that is no tar) is dropped.
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, err
	}
	return b, nil
}

// tarContentSize sums the sizes of a tar's entries.
func tarContentSize(r io.Reader) (int64, error) {
	tr := tar.NewReader(r)
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return 0, err
		}
		total += h.Size
	}
}

// isSparse reports whether a tar header is a PAX or GNU sparse file, which
// archive/tar presents as a regular file of its logical size.
func isSparse(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return h.Typeflag == tar.TypeGNUSparse
}
