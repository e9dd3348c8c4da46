package image

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// A docker save archive names its layers by path and its config lists
// their diff_ids, but nothing records the stored blobs' digests:
// go-containerregistry hashes every layer (gzip or plain) to make up a
// manifest before it hands out the first one. The image here hands out
// layers that can also be read as stored (StoredBlob), so an analysis reads
// each blob once and learns its digest on the way. Everything else is
// go-containerregistry's tarball image, asked only when needed.

func openDockerArchive(label, spec string) ([]Source, error) {
	if spec == "" {
		return nil, fmt.Errorf("%s: no file given (docker-archive://FILE[:TAG])", label)
	}
	file := spec
	var tag *name.Tag
	if _, err := os.Stat(spec); err != nil {
		// FILE:TAG picks one image of a multi-image archive.
		f, tagText, ok := "", "", false
		for i := strings.IndexByte(spec, ':'); i > 0; {
			if exists(spec[:i]) {
				f, tagText, ok = spec[:i], spec[i+1:], true
				break
			}
			j := strings.IndexByte(spec[i+1:], ':')
			if j < 0 {
				break
			}
			i += j + 1
		}
		if !ok {
			return nil, fmt.Errorf("loading image from %q: %w", spec, err)
		}
		t, err := name.NewTag(tagText)
		if err != nil {
			return nil, fmt.Errorf("loading image from %q: bad tag %q: %w", f, tagText, err)
		}
		file, tag = f, &t
	}
	a, err := indexArchive(file)
	if err != nil {
		return nil, fmt.Errorf("loading image from %q: %w", file, err)
	}
	paths, err := dockerArchiveLayers(a, tag)
	if err != nil {
		return nil, fmt.Errorf("loading image from %q: %w", file, err)
	}
	img, err := tarball.ImageFromPath(file, tag)
	if err != nil {
		return nil, fmt.Errorf("loading image from %q (a docker save archive; pick one image of several with docker-archive://FILE:TAG): %w", file, err)
	}
	return []Source{{Name: label, Image: &dockerArchiveImage{Image: img, a: a, paths: paths}}}, nil
}

// dockerArchiveLayers returns the layer paths of the image tagged tag (or
// of the only image) from the archive's manifest.json.
func dockerArchiveLayers(a *archive, tag *name.Tag) ([]string, error) {
	raw, err := a.readAll("manifest.json", maxJSON)
	if err != nil {
		return nil, fmt.Errorf("not a docker save archive: %w", err)
	}
	var m []struct {
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if tag == nil {
		if len(m) != 1 {
			return nil, fmt.Errorf("the archive holds %d images: pick one with docker-archive://FILE:TAG", len(m))
		}
		return m[0].Layers, nil
	}
	var tags []string
	for _, e := range m {
		for _, rt := range e.RepoTags {
			if t, err := name.NewTag(rt); err == nil && t.String() == tag.String() {
				return e.Layers, nil
			}
			tags = append(tags, rt)
		}
	}
	return nil, fmt.Errorf("no image tagged %s in the archive (tags: %s)", tag, strings.Join(tags, ", "))
}

// dockerArchiveImage is go-containerregistry's tarball image whose Layers
// can be read as stored.
type dockerArchiveImage struct {
	v1.Image
	a     *archive
	paths []string
}

func (i *dockerArchiveImage) Layers() ([]v1.Layer, error) {
	cfg, err := i.ConfigFile()
	if err != nil {
		return nil, err
	}
	if len(cfg.RootFS.DiffIDs) != len(i.paths) {
		return nil, fmt.Errorf("manifest.json lists %d layers, the config %d diff_ids", len(i.paths), len(cfg.RootFS.DiffIDs))
	}
	out := make([]v1.Layer, len(i.paths))
	for n, p := range i.paths {
		out[n] = &dockerArchiveLayer{img: i.Image, a: i.a, path: path.Clean(p), diffID: cfg.RootFS.DiffIDs[n]}
	}
	return out, nil
}

// dockerArchiveLayer is one layer of a docker save archive. StoredBlob,
// DiffID and MediaType come from the archive; the rest from
// go-containerregistry (which hashes the layers to answer Digest).
type dockerArchiveLayer struct {
	img    v1.Image
	a      *archive
	path   string
	diffID v1.Hash

	once  sync.Once
	inner v1.Layer
	err   error
}

var _ v1.Layer = (*dockerArchiveLayer)(nil)

// StoredBlob returns the layer as it lies in the archive (a tar, or a
// compressed tar) and its size.
func (l *dockerArchiveLayer) StoredBlob() (io.ReadCloser, int64, error) {
	return l.a.open(l.path)
}

func (l *dockerArchiveLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// MediaType says how the layer is stored, from its first bytes.
func (l *dockerArchiveLayer) MediaType() (types.MediaType, error) {
	rc, _, err := l.a.open(l.path)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(rc, head)
	switch head = head[:n]; {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return types.DockerLayer, nil
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return types.MediaType("application/vnd.docker.image.rootfs.diff.tar.zstd"), nil
	}
	return types.DockerUncompressedLayer, nil
}

func (l *dockerArchiveLayer) layer() (v1.Layer, error) {
	l.once.Do(func() { l.inner, l.err = l.img.LayerByDiffID(l.diffID) })
	return l.inner, l.err
}

func (l *dockerArchiveLayer) Digest() (v1.Hash, error) {
	inner, err := l.layer()
	if err != nil {
		return v1.Hash{}, err
	}
	return inner.Digest()
}

func (l *dockerArchiveLayer) Compressed() (io.ReadCloser, error) {
	inner, err := l.layer()
	if err != nil {
		return nil, err
	}
	return inner.Compressed()
}

func (l *dockerArchiveLayer) Uncompressed() (io.ReadCloser, error) {
	inner, err := l.layer()
	if err != nil {
		return nil, err
	}
	return inner.Uncompressed()
}

func (l *dockerArchiveLayer) Size() (int64, error) {
	inner, err := l.layer()
	if err != nil {
		return 0, err
	}
	return inner.Size()
}
