package analyze

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

// Image analyzes a go-containerregistry image. Layers are read once each,
// as streams, opt.Concurrency at a time; each stored blob is verified
// against its digest (or, for StoredUncompressed, its diff_id).
func Image(ctx context.Context, img v1.Image, opt Options) (*Analysis, error) {
	start := time.Now()
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading image config: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	diffIDs := cfg.RootFS.DiffIDs
	if len(diffIDs) != len(layers) {
		return nil, fmt.Errorf("image config lists %d diff_ids for %d layers", len(diffIDs), len(layers))
	}
	hist := make([]historyEntry, len(cfg.History))
	for i, h := range cfg.History {
		hist[i] = historyEntry{CreatedBy: h.CreatedBy, EmptyLayer: h.EmptyLayer}
	}
	created := historyFor(hist, len(layers))
	if opt.Platform == "" && cfg.OS != "" && cfg.Architecture != "" {
		opt.Platform = cfg.OS + "/" + cfg.Architecture
		if cfg.Variant != "" {
			opt.Platform += "/" + cfg.Variant
		}
	}

	metas := make([]layerMeta, len(layers))
	anyStored := false
	for i, l := range layers {
		m := layerMeta{diffID: diffIDs[i].String(), createdBy: created[i]}
		if mt, err := l.MediaType(); err == nil {
			m.mediaType = string(mt)
		}
		switch _, stored := l.(StoredBlob); {
		case stored:
			// Digest and size are learnt while reading the blob.
			anyStored = true
		case opt.StoredUncompressed:
			// go-containerregistry reports these as gzip layers; they
			// are plain tar.
			m.digest = m.diffID
			if KnownLayerMediaType(m.mediaType) {
				m.mediaType = "application/vnd.docker.image.rootfs.diff.tar"
			}
		default:
			d, err := l.Digest()
			if err != nil {
				return nil, fmt.Errorf("%s: reading digest: %w", layerLabel(i, ""), err)
			}
			m.digest = d.String()
			if m.compressed, err = l.Size(); err != nil {
				return nil, fmt.Errorf("%s: reading size: %w", layerLabel(i, m.digest), err)
			}
		}
		metas[i] = m
	}

	idxs := make([]*LayerIndex, len(layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.workers())
	for i, l := range layers {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if sb, ok := l.(StoredBlob); ok {
				idx, digest, size, err := readStoredLayer(gctx, sb, metas[i], layerLabel(i, metas[i].diffID))
				if err != nil {
					return err
				}
				idxs[i], metas[i].digest, metas[i].compressed = idx, digest, size
				return nil
			}
			label := layerLabel(i, metas[i].digest)
			idx, stored, err := readImageLayer(gctx, l, opt.StoredUncompressed, metas[i], label)
			if err != nil {
				return err
			}
			if opt.StoredUncompressed {
				metas[i].compressed = stored
			}
			idxs[i] = idx
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	readDone := time.Now()
	a, err := build(ctx, idxs, metas, opt, start, readDone)
	if err != nil {
		return nil, err
	}
	if !opt.StoredUncompressed && !anyStored {
		// (For the others, naming the manifest would mean compressing or
		// hashing every layer again.)
		if d, err := img.Digest(); err == nil {
			a.Digest = d.String()
		}
	}
	return a, nil
}

// readImageLayer reads one layer: the stored blob through a digest check,
// decompressed, indexed. It returns the number of stored bytes.
func readImageLayer(ctx context.Context, l v1.Layer, uncompressed bool, m layerMeta, label string) (*LayerIndex, int64, error) {
	if !KnownLayerMediaType(m.mediaType) {
		return nil, 0, &LayerError{Layer: label, Err: fmt.Errorf("unknown layer media type %q", m.mediaType)}
	}
	var rc io.ReadCloser
	var err error
	want, from := m.digest, fromManifest
	if uncompressed {
		rc, err = l.Uncompressed()
		want, from = m.diffID, fromDiffID
	} else {
		rc, err = l.Compressed()
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, &LayerError{Layer: label, Err: fmt.Errorf("missing blob (the image is incomplete where it lies: export or pull it again): %w", err)}
		}
		return nil, 0, &LayerError{Layer: label, Err: fmt.Errorf("opening blob: %w", err)}
	}
	defer rc.Close()
	vr := newVerifier(ctxReader{ctx, rc}, want, from)
	idx, err := readLayerBlob(vr, label)
	if err != nil {
		return nil, 0, blame(err, vr, label)
	}
	if err := vr.finish(); err != nil {
		return nil, 0, &LayerError{Layer: label, Err: err}
	}
	return idx, vr.n, nil
}

// StoredBlob is a layer that can be read as it is stored before its digest
// is known: a docker save archive names layers by diff_id only, and
// go-containerregistry would hash every layer to name them. Image reads
// such a layer once: the digest and size of what it read become the
// layer's; a plain or zstd stream is verified against the diff_id, a gzip
// stream by its own CRC-32.
type StoredBlob interface {
	StoredBlob() (rc io.ReadCloser, size int64, err error)
}

// readStoredLayer reads a StoredBlob layer and returns its index, the
// stored blob's digest and size.
func readStoredLayer(ctx context.Context, sb StoredBlob, m layerMeta, label string) (*LayerIndex, string, int64, error) {
	if !KnownLayerMediaType(m.mediaType) {
		return nil, "", 0, &LayerError{Layer: label, Err: fmt.Errorf("unknown layer media type %q", m.mediaType)}
	}
	rc, _, err := sb.StoredBlob()
	if err != nil {
		return nil, "", 0, &LayerError{Layer: label, Err: fmt.Errorf("missing blob (the image is incomplete where it lies: export or pull it again): %w", err)}
	}
	defer rc.Close()
	stored := newVerifier(ctxReader{ctx, rc}, "", "")
	zr, comp, err := Decompress(stored)
	if err != nil {
		return nil, "", 0, &LayerError{Layer: label, Err: err}
	}
	defer zr.Close()
	// The diff_id covers the uncompressed stream: for a plain tar that is
	// the stored one, hashed once. A gzip stream carries its own CRC-32
	// and length, which the reader checks: hashing it again to compare
	// with a diff_id from the same archive would only cost time.
	var tr io.Reader = zr
	uncompressed := stored
	switch comp {
	case Uncompressed:
		stored.want, stored.from = m.diffID, fromDiffID
	case Gzip:
	default:
		uncompressed = newVerifier(zr, m.diffID, fromDiffID)
		tr = uncompressed
	}
	idx, err := indexTar(tr, label)
	if err != nil {
		return nil, "", 0, blame(err, uncompressed, label)
	}
	if err := uncompressed.finish(); err != nil {
		return nil, "", 0, &LayerError{Layer: label, Err: err}
	}
	if err := stored.finish(); err != nil {
		return nil, "", 0, &LayerError{Layer: label, Err: err}
	}
	return idx, stored.digest(), stored.n, nil
}

// blame returns err, the failure to read a blob, unless the rest of the
// blob does not match its digest: a blob that does not decompress or parse
// is most often a damaged one, and then that is said first.
func blame(err error, v *verifier, label string) error {
	verr := v.finish()
	if !errors.Is(verr, ErrDigestMismatch) {
		return err
	}
	le := &LayerError{Layer: label, Err: err}
	errors.As(err, &le)
	return &LayerError{Layer: label, Entry: le.Entry, Err: fmt.Errorf("%w; reading it failed: %v", verr, le.Err)}
}

// ErrDigestMismatch is the error (wrapped) for a blob whose content does
// not hash to the digest that names it.
var ErrDigestMismatch = errors.New("digest mismatch")

// verifier hashes what is read through it and compares with a digest.
type verifier struct {
	r    io.Reader
	h    hash.Hash
	n    int64
	want string
	// from says where want comes from, for the error.
	from string
}

// Where a wanted digest comes from.
const (
	fromManifest = "the manifest"
	fromDiffID   = "the config's diff_id"
)

func newVerifier(r io.Reader, want, from string) *verifier {
	return &verifier{r: r, h: sha256.New(), want: want, from: from}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	return n, err
}

func (v *verifier) finish() error {
	if _, err := io.Copy(io.Discard, v); err != nil {
		return fmt.Errorf("reading blob: %w", truncated(err))
	}
	got := v.digest()
	if strings.HasPrefix(v.want, "sha256:") && got != v.want {
		return fmt.Errorf("%w: the content is %s, %s says %s (a corrupt or tampered blob: export or pull the image again)", ErrDigestMismatch, got, v.from, v.want)
	}
	return nil
}

// digest is the sha256 digest of what was read so far.
func (v *verifier) digest() string { return "sha256:" + hex.EncodeToString(v.h.Sum(nil)) }

// ctxReader stops reading when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// KnownLayerMediaType reports whether mt is a layer media type plimsoll
// reads (OCI and Docker tar layers, plain, gzip or zstd); "" is accepted.
func KnownLayerMediaType(mt string) bool {
	switch mt {
	case "",
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar.zstd":
		return true
	}
	return false
}
