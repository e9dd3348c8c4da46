package analyze

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/plimsoll/plimsoll/pkg/image"
)

// A stream's JSON documents (manifests, indexes, configs, small
// attestations) are kept in memory until index.json says which are needed:
// each at most maxJSONBlob, all together at most maxJSONTotal, so that a
// hostile stream of JSON-looking blobs cannot fill the memory. (A larger
// JSON-looking blob is read as a stream like a layer; no manifest or config
// comes near.)
const (
	maxJSONBlob  = 4 << 20
	maxJSONTotal = 64 << 20
)

// streamBlob is what one blob of the stream turned into.
type streamBlob struct {
	size int64
	json []byte      // a JSON blob (manifest, index, config), kept
	idx  *LayerIndex // a layer blob, indexed
	err  error       // why it could not be read as a layer
}

// FromOCIStream analyzes an OCI image layout streamed as a tar (what
// BuildKit's oci exporter writes, or an oci-archive), reading it once, in
// whatever order its entries come: every blob is verified against its
// digest and indexed as it passes (layers as streams, JSON documents kept),
// then index.json, the manifest and the config pick and order the layers.
// Blobs that no chosen manifest references are ignored. Nothing is written
// to disk. opt.Platform picks an image of a multi-platform index.
func FromOCIStream(ctx context.Context, r io.Reader, opt Options) (*Analysis, error) {
	start := time.Now()
	tr := tar.NewReader(r)
	blobs := make(map[string]*streamBlob)
	var indexJSON []byte
	var jsonBytes int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading OCI stream: %w", truncated(err))
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.TrimPrefix(hdr.Name, "/"))
		switch {
		case name == "index.json":
			if hdr.Size > maxJSONBlob {
				return nil, fmt.Errorf("reading OCI stream: index.json is %d bytes", hdr.Size)
			}
			if indexJSON, err = io.ReadAll(tr); err != nil {
				return nil, fmt.Errorf("reading OCI stream: index.json: %w", truncated(err))
			}
		case strings.HasPrefix(name, "blobs/"):
			parts := strings.Split(name, "/")
			if len(parts) != 3 {
				continue
			}
			digest := parts[1] + ":" + parts[2]
			b, err := readStreamBlob(ctx, tr, digest, hdr.Size)
			if err != nil {
				return nil, err
			}
			if jsonBytes += int64(len(b.json)); jsonBytes > maxJSONTotal {
				return nil, fmt.Errorf("reading OCI stream: more than %d MiB of JSON documents (at blob %s): not an image a build writes", maxJSONTotal>>20, digest)
			}
			blobs[digest] = b
		}
	}
	readDone := time.Now()
	if indexJSON == nil {
		return nil, errors.New("reading OCI stream: no index.json (is it an OCI image layout tar?)")
	}
	mf, mfDigest, platform, err := pickManifest(blobs, indexJSON, opt.Platform)
	if err != nil {
		return nil, fmt.Errorf("reading OCI stream: %w", err)
	}
	cfgBlob := blobs[mf.Config.Digest.String()]
	if cfgBlob == nil || cfgBlob.json == nil {
		return nil, fmt.Errorf("reading OCI stream: missing config blob %s", mf.Config.Digest)
	}
	var cfg struct {
		History []historyEntry `json:"history"`
		RootFS  struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := json.Unmarshal(cfgBlob.json, &cfg); err != nil {
		return nil, fmt.Errorf("reading OCI stream: config %s: %w", mf.Config.Digest, err)
	}
	created := historyFor(cfg.History, len(mf.Layers))
	idxs := make([]*LayerIndex, len(mf.Layers))
	metas := make([]layerMeta, len(mf.Layers))
	for i, d := range mf.Layers {
		dg := d.Digest.String()
		label := layerLabel(i, dg)
		if !KnownLayerMediaType(string(d.MediaType)) {
			return nil, &LayerError{Layer: label, Err: fmt.Errorf("unknown layer media type %q", d.MediaType)}
		}
		b := blobs[dg]
		if b == nil {
			return nil, &LayerError{Layer: label, Err: errors.New("missing blob: the stream has no such blob (it must hold every blob the manifest lists, as an OCI layout tar does)")}
		}
		if b.idx == nil && b.json != nil {
			// A layer whose first bytes looked like JSON: index it
			// from memory.
			idx, err := readLayerBlob(ctxReader{ctx, bytes.NewReader(b.json)}, label)
			if err != nil {
				return nil, err
			}
			b.idx = idx
		}
		if b.idx == nil {
			var le *LayerError
			if errors.As(b.err, &le) {
				return nil, &LayerError{Layer: label, Entry: le.Entry, Err: le.Err}
			}
			return nil, &LayerError{Layer: label, Err: b.err}
		}
		idxs[i] = b.idx
		m := layerMeta{digest: dg, mediaType: string(d.MediaType), compressed: b.size, createdBy: created[i]}
		if i < len(cfg.RootFS.DiffIDs) {
			m.diffID = cfg.RootFS.DiffIDs[i]
		}
		metas[i] = m
	}
	if len(cfg.RootFS.DiffIDs) != len(mf.Layers) {
		return nil, fmt.Errorf("reading OCI stream: config lists %d diff_ids for %d layers", len(cfg.RootFS.DiffIDs), len(mf.Layers))
	}
	if opt.Platform == "" {
		opt.Platform = platform
	}
	a, err := build(ctx, idxs, metas, opt, start, readDone)
	if err != nil {
		return nil, err
	}
	a.Digest = mfDigest
	return a, nil
}

// readStreamBlob verifies and classifies one blob as it streams past.
func readStreamBlob(ctx context.Context, r io.Reader, digest string, size int64) (*streamBlob, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(1)
	b := &streamBlob{size: size}
	if len(head) == 1 && head[0] == '{' && size <= maxJSONBlob {
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("reading OCI stream: blob %s: %w", digest, truncated(err))
		}
		v := newVerifier(bytes.NewReader(data), digest, fromManifest)
		if err := v.finish(); err != nil {
			return nil, fmt.Errorf("reading OCI stream: blob %s: %w", digest, err)
		}
		b.json = data
		return b, nil
	}
	// Hash here, decompress and index in another goroutine: two cores
	// on one stream.
	pipe := newChunkPipe(16)
	var idx *LayerIndex
	var lerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		idx, lerr = readLayerBlob(ctxReader{ctx, pipe}, "blob "+digest)
		pipe.CloseRead()
	}()
	vr := newVerifier(ctxReader{ctx, br}, digest, fromManifest)
	_, cerr := io.CopyBuffer(pipe, vr, make([]byte, pipeChunk))
	pipe.CloseWrite(cerr)
	<-done
	if cerr != nil {
		return nil, fmt.Errorf("reading OCI stream: blob %s: %w", digest, truncated(cerr))
	}
	if lerr != nil {
		b.err = lerr
	}
	b.idx = idx
	// The digest covers the whole blob, layer or not.
	if err := vr.finish(); err != nil {
		return nil, fmt.Errorf("reading OCI stream: blob %s: %w", digest, err)
	}
	return b, nil
}

// readLayerBlob decompresses and indexes one stored layer stream, reading it
// to its end (tar padding, compressed trailer), so that a digest computed
// on r covers the whole blob.
func readLayerBlob(r io.Reader, label string) (*LayerIndex, error) {
	zr, _, err := Decompress(r)
	if err != nil {
		return nil, &LayerError{Layer: label, Err: err}
	}
	defer zr.Close()
	return indexTar(zr, label)
}

// indexTar indexes an uncompressed layer stream and reads it to its end.
func indexTar(r io.Reader, label string) (*LayerIndex, error) {
	idx, err := ReadLayer(r, label)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, &LayerError{Layer: label, Err: fmt.Errorf("reading past the end of the tar: %w", truncated(err))}
	}
	return idx, nil
}

// pickManifest resolves index.json (and nested indexes) to one image
// manifest, by platform when there are several.
func pickManifest(blobs map[string]*streamBlob, indexJSON []byte, platform string) (mf *v1.Manifest, digest, plat string, err error) {
	type cand struct {
		desc     v1.Descriptor
		platform string
	}
	var cands []cand
	seen := map[v1.Hash]bool{} // each digest once: a walk per listing would be exponential
	var walk func(raw []byte, depth int) error
	walk = func(raw []byte, depth int) error {
		if depth > 8 {
			return errors.New("image indexes nested too deep")
		}
		im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("index: %w", err)
		}
		for _, d := range im.Manifests {
			if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || seen[d.Digest] {
				continue
			}
			seen[d.Digest] = true
			switch {
			case d.MediaType.IsIndex():
				b := blobs[d.Digest.String()]
				if b == nil || b.json == nil {
					return fmt.Errorf("missing index blob %s", d.Digest)
				}
				if err := walk(b.json, depth+1); err != nil {
					return err
				}
			case d.MediaType.IsImage():
				p := ""
				if d.Platform != nil {
					if d.Platform.OS == "unknown" {
						continue
					}
					p = d.Platform.String()
				}
				cands = append(cands, cand{d, p})
			}
		}
		return nil
	}
	if err := walk(indexJSON, 0); err != nil {
		return nil, "", "", err
	}
	if len(cands) == 0 {
		return nil, "", "", errors.New("index.json lists no image manifest")
	}
	platforms := make([]string, len(cands))
	for i, c := range cands {
		platforms[i] = c.platform
	}
	chosen, err := image.ChoosePlatform(platforms, platform)
	if err != nil {
		return nil, "", "", err
	}
	d := cands[chosen].desc
	b := blobs[d.Digest.String()]
	if b == nil || b.json == nil {
		return nil, "", "", fmt.Errorf("missing manifest blob %s", d.Digest)
	}
	mf, err = v1.ParseManifest(bytes.NewReader(b.json))
	if err != nil {
		return nil, "", "", fmt.Errorf("manifest %s: %w", d.Digest, err)
	}
	return mf, d.Digest.String(), cands[chosen].platform, nil
}
