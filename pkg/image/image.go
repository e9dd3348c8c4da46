// Package image opens container images from wherever they are, as
// go-containerregistry v1.Image values: a registry, an OCI layout directory,
// an OCI archive, a docker-archive (`docker save`), a Docker daemon, or the
// outputs listed in a plimsoll build report. Nothing is extracted or copied
// to disk: layers are read from where they lie when asked for.
package image

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/daemon"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Schemes of image references; a reference without one is a registry
// reference, and an existing *.json file is a build report.
const (
	SchemeOCILayout     = "oci-layout://"
	SchemeOCIArchive    = "oci-archive://"
	SchemeDockerArchive = "docker-archive://"
	SchemeDockerDaemon  = "docker-daemon://"
	SchemeReport        = "report://"
	SchemeRegistry      = "registry://"
)

// Options choose among what a reference holds.
type Options struct {
	// Platform picks one image of a multi-platform index ("linux/arm64").
	Platform string
	// AllPlatforms returns every image of an index.
	AllPlatforms bool
	// Insecure allows plain http and unverified TLS for registries.
	Insecure bool
	// Variant picks one variant of a build report ("" = all).
	Variant string
	// Keychain resolves registry credentials; nil = the Docker config and
	// credential helpers (authn.DefaultKeychain).
	Keychain authn.Keychain
}

// Source is one image to analyze.
type Source struct {
	// Name labels the image: the reference, or the build variant.
	Name string
	// Platform is os/arch[/variant] when the image came from an index.
	Platform string
	Image    v1.Image
	// StoredUncompressed is true when the layers are stored as plain tar
	// (docker-archive, docker-daemon): asking such a layer for its digest
	// would make go-containerregistry compress it.
	StoredUncompressed bool
}

// Open resolves ref to one image, or several (an index with
// AllPlatforms, a build report with several variants).
func Open(ctx context.Context, ref string, o Options) ([]Source, error) {
	if o.Platform != "" && o.AllPlatforms {
		return nil, errors.New("--platform and --all-platforms exclude each other")
	}
	switch {
	case strings.HasPrefix(ref, SchemeOCILayout):
		return openLayout(ref, strings.TrimPrefix(ref, SchemeOCILayout), o)
	case strings.HasPrefix(ref, SchemeOCIArchive):
		return openOCIArchive(ref, strings.TrimPrefix(ref, SchemeOCIArchive), o)
	case strings.HasPrefix(ref, SchemeDockerArchive):
		return openDockerArchive(ref, strings.TrimPrefix(ref, SchemeDockerArchive))
	case strings.HasPrefix(ref, SchemeDockerDaemon):
		return openDaemon(ctx, ref, strings.TrimPrefix(ref, SchemeDockerDaemon))
	case strings.HasPrefix(ref, SchemeReport):
		return openReport(ctx, strings.TrimPrefix(ref, SchemeReport), o)
	case strings.HasPrefix(ref, SchemeRegistry):
		return openRegistry(ctx, ref, strings.TrimPrefix(ref, SchemeRegistry), o)
	}
	if strings.HasSuffix(ref, ".json") {
		if _, err := os.Stat(ref); err == nil {
			return openReport(ctx, ref, o)
		}
	}
	if strings.Contains(ref, "://") {
		return nil, fmt.Errorf("unknown image scheme in %q: use a registry reference or one of %s", ref,
			strings.Join([]string{SchemeOCILayout + "DIR[@DIGEST|:TAG]", SchemeOCIArchive + "FILE", SchemeDockerArchive + "FILE", SchemeDockerDaemon + "REF", SchemeReport + "FILE"}, ", "))
	}
	return openRegistry(ctx, ref, ref, o)
}

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
	compressed, err := dockerArchiveCompressed(file)
	if err != nil {
		return nil, fmt.Errorf("loading image from %q: %w", file, err)
	}
	img, err := tarball.ImageFromPath(file, tag)
	if err != nil {
		return nil, fmt.Errorf("loading image from %q (a docker save archive; pick one image of several with docker-archive://FILE:TAG): %w", file, err)
	}
	return []Source{{Name: label, Image: img, StoredUncompressed: !compressed}}, nil
}

func openDaemon(ctx context.Context, label, ref string) ([]Source, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", ref, err)
	}
	img, err := daemon.Image(r, daemon.WithContext(ctx), daemon.WithUnbufferedOpener())
	if err != nil {
		return nil, fmt.Errorf("loading %s from the Docker daemon (is one running and is DOCKER_HOST right?): %w", ref, err)
	}
	return []Source{{Name: label, Image: img, StoredUncompressed: true}}, nil
}

func openRegistry(ctx context.Context, label, ref string, o Options) ([]Source, error) {
	var nopts []name.Option
	if o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, fmt.Errorf("parsing image reference %q: %w", ref, err)
	}
	kc := o.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	if o.Insecure {
		tr := remote.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // --insecure asked for it
		ropts = append(ropts, remote.WithTransport(tr))
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", ref, err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("reading index %s: %w", ref, err)
		}
		return fromIndex(label, idx, o)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("reading image %s: %w", ref, err)
	}
	return []Source{{Name: label, Image: img}}, nil
}

// platformImage is one image manifest of an index.
type platformImage struct {
	platform string
	digest   v1.Hash
	idx      v1.ImageIndex
}

// collect lists the image manifests under idx (nested indexes included),
// skipping attestation manifests.
func collect(idx v1.ImageIndex, depth int) ([]platformImage, error) {
	if depth > 8 {
		return nil, errors.New("image indexes nested too deep")
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading index manifest: %w", err)
	}
	var out []platformImage
	for _, d := range im.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			sub, err := collect(child, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case d.MediaType.IsImage():
			p := ""
			if d.Platform != nil {
				if d.Platform.OS == "unknown" {
					continue
				}
				p = d.Platform.String()
			}
			out = append(out, platformImage{platform: p, digest: d.Digest, idx: idx})
		}
	}
	return out, nil
}

// fromIndex picks the images of an index that o asks for.
func fromIndex(label string, idx v1.ImageIndex, o Options) ([]Source, error) {
	all, err := collect(idx, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: the index holds no image manifest", label)
	}
	var picked []platformImage
	switch {
	case o.AllPlatforms || len(all) == 1:
		picked = all
	case o.Platform != "":
		want, err := v1.ParsePlatform(o.Platform)
		if err != nil {
			return nil, fmt.Errorf("--platform %q: %w", o.Platform, err)
		}
		for _, pi := range all {
			if pi.platform == "" {
				continue
			}
			got, err := v1.ParsePlatform(pi.platform)
			if err == nil && got.Satisfies(*want) {
				picked = append(picked, pi)
				break
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("%s: no image for platform %s; the index has %s", label, o.Platform, platformList(all))
		}
	default:
		host := "linux/" + runtime.GOARCH
		for _, pi := range all {
			if strings.HasPrefix(pi.platform+"/", host+"/") {
				picked = append(picked, pi)
				break
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("%s: the index has %d platforms (%s): pick one with --platform or use --all-platforms", label, len(all), platformList(all))
		}
	}
	var out []Source
	for _, pi := range picked {
		img, err := pi.idx.Image(pi.digest)
		if err != nil {
			return nil, fmt.Errorf("%s: reading image %s: %w", label, pi.digest, err)
		}
		out = append(out, Source{Name: label, Platform: pi.platform, Image: img})
	}
	return out, nil
}

func platformList(all []platformImage) string {
	var ps []string
	for _, p := range all {
		if p.platform == "" {
			ps = append(ps, p.digest.String())
		} else {
			ps = append(ps, p.platform)
		}
	}
	sort.Strings(ps)
	return strings.Join(ps, ", ")
}
