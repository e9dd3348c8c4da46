package benchgen

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

// measured is a layer after one generation pass: its digests and sizes,
// and where its gzip blob was written (if it was).
type measured struct {
	spec   layerSpec
	cfg    Config
	diffID v1.Hash
	size   int64
	stats  LayerStats
	gz     v1.Hash // zero when no gzip blob was written
	gzSize int64
	gzPath string
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func hashOf(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
}

// measure generates the layer once, hashing it, and when blobDir is set
// also gzips it into blobDir/<hex> (an OCI layout's blobs/sha256), in the
// same pass.
func measure(ctx context.Context, c Config, spec layerSpec, blobDir string) (*measured, error) {
	m := &measured{spec: spec, cfg: c}
	diff := sha256.New()
	var n countWriter
	sinks := []io.Writer{diff, &n}
	var (
		tmp   *os.File
		gzw   *gzip.Writer
		gzSum hash.Hash
		gzN   countWriter
	)
	if blobDir != "" {
		var err error
		tmp, err = os.CreateTemp(blobDir, ".benchgen-*")
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", spec.name, err)
		}
		if err := tmp.Chmod(0o644); err != nil {
			return nil, err
		}
		defer func() {
			tmp.Close()
			os.Remove(tmp.Name()) // no-op after the rename
		}()
		gzSum = sha256.New()
		gzw, err = gzip.NewWriterLevel(io.MultiWriter(tmp, gzSum, &gzN), gzip.DefaultCompression)
		if err != nil {
			return nil, err
		}
		sinks = append(sinks, gzw)
	}
	st, err := writeLayer(ctx, io.MultiWriter(sinks...), c, spec)
	if err != nil {
		return nil, err
	}
	m.stats, m.diffID, m.size = st, hashOf(diff), n.n
	if gzw != nil {
		if err := gzw.Close(); err != nil {
			return nil, fmt.Errorf("layer %s: compressing: %w", spec.name, err)
		}
		if err := tmp.Close(); err != nil {
			return nil, fmt.Errorf("layer %s: %w", spec.name, err)
		}
		m.gz, m.gzSize = hashOf(gzSum), gzN.n
		m.gzPath = filepath.Join(blobDir, m.gz.Hex)
		if err := os.Rename(tmp.Name(), m.gzPath); err != nil {
			return nil, fmt.Errorf("layer %s: %w", spec.name, err)
		}
	}
	return m, nil
}

// measureAll measures the layers concurrently, one per core.
func measureAll(ctx context.Context, c Config, specs []layerSpec, blobDir string) ([]*measured, error) {
	out := make([]*measured, len(specs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range specs {
		g.Go(func() error {
			m, err := measure(ctx, c, s, blobDir)
			out[i] = m
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// plainLayer is a measured layer served uncompressed: its blob is the tar
// itself (docker's "rootfs.diff.tar"), generated again on each read.
type plainLayer struct{ m *measured }

func (l plainLayer) Digest() (v1.Hash, error) { return l.m.diffID, nil }
func (l plainLayer) DiffID() (v1.Hash, error) { return l.m.diffID, nil }
func (l plainLayer) Size() (int64, error)     { return l.m.size, nil }
func (l plainLayer) MediaType() (types.MediaType, error) {
	return types.DockerUncompressedLayer, nil
}
func (l plainLayer) Compressed() (io.ReadCloser, error) { return l.Uncompressed() }

// Uncompressed generates the tar in a goroutine; closing the reader early
// stops the generator.
func (l plainLayer) Uncompressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := writeLayer(context.Background(), pw, l.m.cfg, l.m.spec)
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// gzipLayer is a measured layer served from its gzip blob on disk.
type gzipLayer struct {
	m  *measured
	mt types.MediaType
}

func (l gzipLayer) Digest() (v1.Hash, error)            { return l.m.gz, nil }
func (l gzipLayer) DiffID() (v1.Hash, error)            { return l.m.diffID, nil }
func (l gzipLayer) Size() (int64, error)                { return l.m.gzSize, nil }
func (l gzipLayer) MediaType() (types.MediaType, error) { return l.mt, nil }
func (l gzipLayer) Compressed() (io.ReadCloser, error)  { return os.Open(l.m.gzPath) }
func (l gzipLayer) Uncompressed() (io.ReadCloser, error) {
	f, err := os.Open(l.m.gzPath)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("layer %s: %w", l.m.spec.name, err)
	}
	return readCloser{zr, func() error { return errors.Join(zr.Close(), f.Close()) }}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// assemble stacks layers into an image with a fixed config: amd64/linux,
// fixed timestamps, one history entry per layer plus empty-layer entries
// (ENV, WORKDIR, CMD) in between, as a Dockerfile build leaves them.
func assemble(ms []*measured, layer func(*measured) v1.Layer, oci bool) (v1.Image, error) {
	cf, err := empty.Image.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: modTime}
	cf.Config.Env = []string{"PATH=/app/.venv/bin:/usr/local/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1"}
	cf.Config.WorkingDir = "/app"
	cf.Config.Cmd = []string{"python", "-m", "service"}
	img, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		return nil, err
	}
	var adds []mutate.Addendum
	for _, m := range ms {
		a := mutate.Addendum{Layer: layer(m), History: v1.History{CreatedBy: m.spec.createdBy, Created: v1.Time{Time: modTime}}}
		if oci {
			a.MediaType = types.OCILayer
		}
		adds = append(adds, a)
	}
	if img, err = mutate.Append(img, adds...); err != nil {
		return nil, err
	}
	if cf, err = img.ConfigFile(); err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	var hist []v1.History
	empties := map[int]string{
		0: "ENV PATH=/app/.venv/bin:/usr/local/bin:/usr/bin:/bin PYTHONUNBUFFERED=1",
		2: "WORKDIR /app",
	}
	for i, h := range cf.History {
		hist = append(hist, h)
		if s, ok := empties[i]; ok && i < len(cf.History)-1 {
			hist = append(hist, v1.History{CreatedBy: s, Created: v1.Time{Time: modTime}, EmptyLayer: true})
		}
	}
	hist = append(hist, v1.History{CreatedBy: `CMD ["python" "-m" "service"]`, Created: v1.Time{Time: modTime}, EmptyLayer: true})
	cf.History = hist
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	if oci {
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	}
	return img, nil
}

// specsFor returns the layers of a named image: "big" or "whiteouts-N".
func specsFor(c Config, name string) ([]layerSpec, error) {
	if name == "big" {
		return bigLayers(), nil
	}
	if s, ok := strings.CutPrefix(name, "whiteouts-"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("benchgen: bad image name %q: want big or whiteouts-N", name)
		}
		wl, err := whiteoutLayer(c, n)
		if err != nil {
			return nil, err
		}
		return []layerSpec{bigLayers()[0], wl}, nil
	}
	return nil, fmt.Errorf("benchgen: unknown image %q: want big or whiteouts-N", name)
}

// Image returns the named image ("big", or "whiteouts-N" for any N) with
// uncompressed layers that are generated again on every read: nothing is
// written to disk and memory stays small. Building it generates each layer
// once to compute its digest.
func Image(ctx context.Context, c Config, name string) (v1.Image, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	specs, err := specsFor(c, name)
	if err != nil {
		return nil, err
	}
	ms, err := measureAll(ctx, c, specs, "")
	if err != nil {
		return nil, err
	}
	return assemble(ms, func(m *measured) v1.Layer { return plainLayer{m} }, false)
}
