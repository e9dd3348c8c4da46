package benchgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Result describes a generated set; Write also saves it as
// DIR/benchgen.json, which is what makes the set a cache.
type Result struct {
	// Generator is GeneratorVersion at the time of writing: a set from
	// another version is not reused.
	Generator int           `json:"generator"`
	Config    Config        `json:"config"`
	Images    []ImageResult `json:"images"`
}

// ImageResult is one generated image and the files it was written to.
type ImageResult struct {
	Name string `json:"name"` // "big", "whiteouts-500"
	// DockerArchive is a docker save archive with uncompressed layers
	// (LAYER.tar), readable by dive and plimsoll.
	DockerArchive string `json:"docker_archive"`
	// DockerArchiveGzip is the same image with gzip layers (LAYER.tar.gz),
	// the gzip blobs of OCILayout: what dive reads for the gzip comparison.
	DockerArchiveGzip string `json:"docker_archive_gzip,omitempty"`
	// OCILayout is an OCI image layout with gzip layers (tag "latest").
	OCILayout       string        `json:"oci_layout,omitempty"`
	SizeBytes       int64         `json:"size_bytes"`                 // sum of uncompressed layers
	CompressedBytes int64         `json:"compressed_bytes,omitempty"` // sum of gzip layers
	Layers          []LayerResult `json:"layers"`
}

// LayerResult is one layer of a generated image.
type LayerResult struct {
	CreatedBy       string `json:"created_by"`
	DiffID          string `json:"diff_id"`
	Digest          string `json:"digest,omitempty"` // gzip blob
	SizeBytes       int64  `json:"size_bytes"`
	CompressedBytes int64  `json:"compressed_bytes,omitempty"`
	LayerStats
}

// Image returns the named image's result, or nil.
func (r *Result) Image(name string) *ImageResult {
	for i := range r.Images {
		if r.Images[i].Name == name {
			return &r.Images[i]
		}
	}
	return nil
}

// WriteOptions tune Write.
type WriteOptions struct {
	// Force regenerates even when DIR holds a set made from the same Config.
	Force bool
	// Log receives one line per step; nil is quiet.
	Log io.Writer
}

const stampName = "benchgen.json"

// GeneratorVersion changes whenever the generator's output changes for a
// given Config (TestGoldenDigests pins it), so that cached sets are redone.
const GeneratorVersion = 2

// Write generates the benchmark set into dir: the big image as
// big.docker.tar (uncompressed docker-archive), big.oci (gzip OCI layout)
// and big.docker-gz.tar (docker-archive of the same gzip blobs), and one
// whiteouts-N.docker.tar per Config.Whiteouts. Every layer is streamed from
// the generator: memory stays small whatever the size. When dir already
// holds a complete set made from the same Config, Write returns it without
// writing anything.
func Write(ctx context.Context, dir string, c Config, o WriteOptions) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "benchgen: "+format+"\n", args...)
		}
	}
	if !o.Force {
		if r, ok := cached(dir, c); ok {
			logf("using the set already in %s", dir)
			return r, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("benchgen: %w", err)
	}
	os.Remove(filepath.Join(dir, stampName))
	res := &Result{Generator: GeneratorVersion, Config: c}
	start := time.Now()

	// The big image: one pass per layer computes its digests and writes its
	// gzip blob into the OCI layout; the archives are streamed afterwards.
	ociDir := filepath.Join(dir, "big.oci")
	if err := os.RemoveAll(ociDir); err != nil {
		return nil, fmt.Errorf("benchgen: %w", err)
	}
	lp, err := layout.Write(ociDir, empty.Index)
	if err != nil {
		return nil, fmt.Errorf("benchgen: creating %s: %w", ociDir, err)
	}
	blobDir := filepath.Join(ociDir, "blobs", "sha256")
	if err := os.MkdirAll(blobDir, 0o755); err != nil {
		return nil, fmt.Errorf("benchgen: %w", err)
	}
	logf("generating the big image's layers (digests + gzip)")
	big, err := measureAll(ctx, c, bigLayers(), blobDir)
	if err != nil {
		return nil, err
	}
	ociImg, err := assemble(big, func(m *measured) v1.Layer { return gzipLayer{m, types.OCILayer} }, true)
	if err != nil {
		return nil, err
	}
	if err := lp.AppendImage(ociImg, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "latest"})); err != nil {
		return nil, fmt.Errorf("benchgen: writing %s: %w", ociDir, err)
	}
	ir := imageResult("big", big)
	ir.OCILayout = ociDir
	logf("writing big.docker.tar")
	if ir.DockerArchive, err = writeArchive(ctx, dir, "big.docker.tar", big, func(m *measured) v1.Layer { return plainLayer{m} }); err != nil {
		return nil, err
	}
	logf("writing big.docker-gz.tar")
	if ir.DockerArchiveGzip, err = writeArchive(ctx, dir, "big.docker-gz.tar", big, func(m *measured) v1.Layer { return gzipLayer{m, types.DockerLayer} }); err != nil {
		return nil, err
	}
	res.Images = append(res.Images, ir)

	// The whiteout series: the same base layer plus N whiteouts.
	for _, n := range c.Whiteouts {
		imgName := "whiteouts-" + strconv.Itoa(n)
		wl, err := whiteoutLayer(c, n)
		if err != nil {
			return nil, err
		}
		m, err := measure(ctx, c, wl, "")
		if err != nil {
			return nil, err
		}
		base := *big[0]
		base.gz, base.gzSize, base.gzPath = v1.Hash{}, 0, ""
		ms := []*measured{&base, m}
		wr := imageResult(imgName, ms)
		logf("writing %s.docker.tar", imgName)
		if wr.DockerArchive, err = writeArchive(ctx, dir, imgName+".docker.tar", ms, func(m *measured) v1.Layer { return plainLayer{m} }); err != nil {
			return nil, err
		}
		res.Images = append(res.Images, wr)
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, stampName), append(data, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("benchgen: %w", err)
	}
	logf("done in %s", time.Since(start).Round(time.Second))
	return res, nil
}

func imageResult(name string, ms []*measured) ImageResult {
	ir := ImageResult{Name: name}
	for _, m := range ms {
		lr := LayerResult{CreatedBy: m.spec.createdBy, DiffID: m.diffID.String(), SizeBytes: m.size, CompressedBytes: m.gzSize, LayerStats: m.stats}
		if m.gzPath != "" {
			lr.Digest = m.gz.String()
		}
		ir.SizeBytes += m.size
		ir.CompressedBytes += m.gzSize
		ir.Layers = append(ir.Layers, lr)
	}
	return ir
}

// writeArchive streams a docker save archive of the layers to dir/file,
// through a temp file renamed at the end.
func writeArchive(ctx context.Context, dir, file string, ms []*measured, layer func(*measured) v1.Layer) (string, error) {
	img, err := assemble(ms, layer, false)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, file)
	ref, err := name.NewTag("plimsoll-bench/" + file[:len(file)-len(filepath.Ext(file))] + ":latest")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".benchgen-*")
	if err != nil {
		return "", fmt.Errorf("benchgen: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return "", err
	}
	if err := tarball.Write(ref, img, ctxWriter{ctx, f}); err != nil {
		f.Close()
		return "", fmt.Errorf("benchgen: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("benchgen: writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("benchgen: %w", err)
	}
	return path, nil
}

// ctxWriter stops a long write when ctx is canceled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}

// cached returns the set in dir when it was made from c and all its files
// are still there.
func cached(dir string, c Config) (*Result, bool) {
	data, err := os.ReadFile(filepath.Join(dir, stampName))
	if err != nil {
		return nil, false
	}
	var r Result
	if json.Unmarshal(data, &r) != nil || r.Generator != GeneratorVersion || !reflect.DeepEqual(r.Config, c) {
		return nil, false
	}
	for _, im := range r.Images {
		for _, p := range []string{im.DockerArchive, im.DockerArchiveGzip, im.OCILayout} {
			if p == "" {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				return nil, false
			}
		}
	}
	return &r, true
}
