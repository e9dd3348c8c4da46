package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// splitSelector splits "DIR@sha256:…" or "DIR:TAG" into the location and
// the selector ("@sha256:…", ":TAG" or "").
func splitSelector(s string) (loc, sel string) {
	if i := strings.LastIndex(s, "@"); i > 0 && strings.Contains(s[i:], ":") {
		return s[:i], s[i:]
	}
	slash := strings.LastIndex(s, "/")
	if i := strings.LastIndex(s, ":"); i > slash && i > 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

func openLayout(label, spec string, o Options) ([]Source, error) {
	dir, sel := splitSelector(spec)
	if dir == "" {
		return nil, fmt.Errorf("%s: no directory given (oci-layout://DIR[@DIGEST|:TAG])", label)
	}
	if sel != "" && !exists(path.Join(dir, "index.json")) && exists(path.Join(spec, "index.json")) {
		// The colon or @ was part of the directory name.
		dir, sel = spec, ""
	}
	if !exists(path.Join(dir, "index.json")) {
		return nil, fmt.Errorf("loading OCI layout %q: no index.json there (is it an OCI image layout directory?)", dir)
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("loading OCI layout %q: %w", dir, err)
	}
	return selectIn(label, idx, sel, o)
}

// selectIn resolves a selector against a top-level index (index.json).
func selectIn(label string, idx v1.ImageIndex, sel string, o Options) ([]Source, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: reading index.json: %w", label, err)
	}
	if sel == "" {
		// Several differently tagged images are not platforms of one
		// image: ask which.
		tags := map[string]bool{}
		for _, d := range im.Manifests {
			if ref := d.Annotations["org.opencontainers.image.ref.name"]; ref != "" {
				tags[ref] = true
			}
		}
		if len(tags) > 1 && !o.AllPlatforms {
			var list []string
			for t := range tags {
				list = append(list, t)
			}
			sort.Strings(list)
			return nil, fmt.Errorf("%s holds several images (tags %s): pick one with :TAG or @DIGEST", label, strings.Join(list, ", "))
		}
		return fromIndex(label, idx, o)
	}
	var found *v1.Descriptor
	switch sel[0] {
	case '@':
		h, err := v1.NewHash(sel[1:])
		if err != nil {
			return nil, fmt.Errorf("%s: bad digest %q: %w", label, sel[1:], err)
		}
		for i := range im.Manifests {
			if im.Manifests[i].Digest == h {
				found = &im.Manifests[i]
				break
			}
		}
		if found == nil {
			// Not listed at the top: any image manifest blob will do.
			img, err := idx.Image(h)
			if err != nil {
				return nil, fmt.Errorf("%s: no manifest %s in the layout: %w", label, h, err)
			}
			return []Source{{Name: label, Image: img}}, nil
		}
	case ':':
		tag := sel[1:]
		var tags []string
		for i := range im.Manifests {
			d := &im.Manifests[i]
			ref := d.Annotations["org.opencontainers.image.ref.name"]
			cname := d.Annotations["io.containerd.image.name"]
			if ref != "" {
				tags = append(tags, ref)
			}
			if ref == tag || (cname != "" && strings.HasSuffix(cname, ":"+tag)) {
				found = d
				break
			}
		}
		if found == nil {
			have := "it has no tags"
			if len(tags) > 0 {
				have = "tags: " + strings.Join(tags, ", ")
			}
			return nil, fmt.Errorf("%s: no manifest tagged %q (org.opencontainers.image.ref.name); %s", label, tag, have)
		}
	}
	switch {
	case found.MediaType.IsIndex():
		child, err := idx.ImageIndex(found.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: reading index %s: %w", label, found.Digest, err)
		}
		return fromIndex(label, child, o)
	case found.MediaType.IsImage():
		img, err := idx.Image(found.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: reading image %s: %w", label, found.Digest, err)
		}
		p := ""
		if found.Platform != nil {
			p = found.Platform.String()
		}
		return []Source{{Name: label, Platform: p, Image: img}}, nil
	}
	return nil, fmt.Errorf("%s: %s has media type %q, not an image or an index", label, found.Digest, found.MediaType)
}

// ---- oci-archive: an OCI layout inside a tar, read in place ----

// tarEntry is where a file's data lies inside an archive.
type tarEntry struct {
	offset, size int64
}

// archive indexes a tar file's regular entries by name (one pass over the
// headers, seeking over the data).
type archive struct {
	file    string
	entries map[string]tarEntry
	// links maps a symlink or hardlink entry to the entry it names.
	links map[string]string
}

type offsetReader struct {
	f   *os.File
	pos int64
}

func (r *offsetReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	r.pos += int64(n)
	return n, err
}

func (r *offsetReader) Seek(off int64, whence int) (int64, error) {
	n, err := r.f.Seek(off, whence)
	if err == nil {
		r.pos = n
	}
	return n, err
}

func indexArchive(file string) (*archive, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	or := &offsetReader{f: f}
	tr := tar.NewReader(or)
	a := &archive{file: file, entries: make(map[string]tarEntry), links: make(map[string]string)}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("the archive is truncated (it ends inside entry %d): copy or save it again", len(a.entries)+1)
		}
		if err != nil {
			return nil, fmt.Errorf("not a readable tar archive: %w", err)
		}
		name := path.Clean(strings.TrimPrefix(hdr.Name, "/"))
		switch hdr.Typeflag {
		case tar.TypeReg:
			a.entries[name] = tarEntry{offset: or.pos, size: hdr.Size}
		case tar.TypeSymlink: // relative to the link's directory
			// Only a key into this index: nothing is written or opened.
			a.links[name] = path.Join(path.Dir(name), hdr.Linkname) //nolint:gosec // G305: see above
		case tar.TypeLink: // an earlier entry of the archive
			a.links[name] = path.Clean(strings.TrimPrefix(hdr.Linkname, "/"))
		}
	}
	return a, nil
}

type sectionCloser struct {
	*io.SectionReader
	f *os.File
}

func (s sectionCloser) Close() error { return s.f.Close() }

func (a *archive) open(name string) (io.ReadCloser, int64, error) {
	// docker save writes layers as links to blobs/sha256/...; follow a
	// few hops, never a cycle.
	for hops := 0; hops < 8; hops++ {
		target, ok := a.links[name]
		if !ok {
			break
		}
		name = target
	}
	e, ok := a.entries[name]
	if !ok {
		return nil, 0, fmt.Errorf("%s: no %s in the archive", a.file, name)
	}
	f, err := os.Open(a.file)
	if err != nil {
		return nil, 0, err
	}
	return sectionCloser{io.NewSectionReader(f, e.offset, e.size), f}, e.size, nil
}

func (a *archive) readAll(name string, limit int64) ([]byte, error) {
	rc, size, err := a.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > limit {
		return nil, fmt.Errorf("%s: %s is %d bytes, more than a manifest or config can be (%d)", a.file, name, size, limit)
	}
	return io.ReadAll(rc)
}

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

const maxJSON = 64 << 20

func openOCIArchive(label, spec string, o Options) ([]Source, error) {
	file, sel := splitSelector(spec)
	if _, err := os.Stat(file); err != nil {
		if _, err2 := os.Stat(spec); err2 == nil {
			file, sel = spec, ""
		} else {
			return nil, fmt.Errorf("loading OCI archive %q: %w", file, err)
		}
	}
	a, err := indexArchive(file)
	if err != nil {
		return nil, fmt.Errorf("loading OCI archive %q: %w", file, err)
	}
	raw, err := a.readAll("index.json", maxJSON)
	if err != nil {
		return nil, fmt.Errorf("loading OCI archive %q (is it an OCI layout tar?): %w", file, err)
	}
	idx := &archiveIndex{a: a, raw: raw, mt: types.OCIImageIndex}
	if _, err := idx.IndexManifest(); err != nil {
		return nil, fmt.Errorf("loading OCI archive %q: index.json: %w", file, err)
	}
	return selectIn(label, idx, sel, o)
}

// archiveIndex is a v1.ImageIndex over an archive's blobs.
type archiveIndex struct {
	a   *archive
	raw []byte
	mt  types.MediaType
}

var _ v1.ImageIndex = (*archiveIndex)(nil)

func (x *archiveIndex) MediaType() (types.MediaType, error) { return x.mt, nil }
func (x *archiveIndex) Digest() (v1.Hash, error)            { return partial.Digest(x) }
func (x *archiveIndex) Size() (int64, error)                { return partial.Size(x) }
func (x *archiveIndex) RawManifest() ([]byte, error)        { return x.raw, nil }
func (x *archiveIndex) IndexManifest() (*v1.IndexManifest, error) {
	return v1.ParseIndexManifest(bytes.NewReader(x.raw))
}

func (x *archiveIndex) Image(h v1.Hash) (v1.Image, error) {
	raw, err := x.a.readAll(blobName(h), maxJSON)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(raw, h); err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", h, err)
	}
	mt := m.MediaType
	if mt == "" {
		mt = types.OCIManifestSchema1
	}
	return partial.CompressedToImage(&archiveImage{a: x.a, raw: raw, manifest: m, mt: mt})
}

func (x *archiveIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	raw, err := x.a.readAll(blobName(h), maxJSON)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(raw, h); err != nil {
		return nil, err
	}
	return &archiveIndex{a: x.a, raw: raw, mt: types.OCIImageIndex}, nil
}

func checkDigest(raw []byte, h v1.Hash) error {
	got, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if h.Algorithm == "sha256" && got != h {
		return fmt.Errorf("digest mismatch: blob %s holds content %s", h, got)
	}
	return nil
}

// archiveImage is partial.CompressedImageCore over an archive's blobs.
type archiveImage struct {
	a        *archive
	raw      []byte
	manifest *v1.Manifest
	mt       types.MediaType
}

func (i *archiveImage) RawConfigFile() ([]byte, error) {
	raw, err := i.a.readAll(blobName(i.manifest.Config.Digest), maxJSON)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if err := checkDigest(raw, i.manifest.Config.Digest); err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return raw, nil
}
func (i *archiveImage) MediaType() (types.MediaType, error) { return i.mt, nil }
func (i *archiveImage) RawManifest() ([]byte, error)        { return i.raw, nil }
func (i *archiveImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, d := range i.manifest.Layers {
		if d.Digest == h {
			return &archiveLayer{a: i.a, desc: d}, nil
		}
	}
	if i.manifest.Config.Digest == h {
		return &archiveLayer{a: i.a, desc: i.manifest.Config}, nil
	}
	return nil, fmt.Errorf("blob %s is not in the manifest", h)
}

type archiveLayer struct {
	a    *archive
	desc v1.Descriptor
}

func (l *archiveLayer) Digest() (v1.Hash, error) { return l.desc.Digest, nil }
func (l *archiveLayer) Compressed() (io.ReadCloser, error) {
	rc, _, err := l.a.open(blobName(l.desc.Digest))
	if err != nil {
		return nil, fmt.Errorf("missing blob %s: %w", l.desc.Digest, err)
	}
	return rc, nil
}
func (l *archiveLayer) Size() (int64, error)                { return l.desc.Size, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
