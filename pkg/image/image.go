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
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/daemon"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
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
	// StoredUncompressed is true when the layers come as plain tar from
	// a Docker daemon: asking such a layer for its digest would make
	// go-containerregistry compress it. (docker-archive layers need no
	// flag: they can be read as stored, see analyze.StoredBlob.)
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
	if hint := localPathHint(ref); hint != "" {
		return nil, errors.New(hint)
	}
	return openRegistry(ctx, ref, ref, o)
}

// localPathHint returns a message when ref, given without a scheme, names a
// local file or image folder rather than a registry image: without it a
// newcomer's `plimsoll analyze image.tar` ends in a DNS error for a
// registry called image.tar.
func localPathHint(ref string) string {
	pathish := strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") ||
		strings.HasSuffix(ref, ".tar") || strings.HasSuffix(ref, ".tar.gz")
	fi, err := os.Stat(ref)
	switch {
	case err == nil && fi.IsDir():
		if _, err := os.Stat(filepath.Join(ref, "index.json")); err == nil || pathish {
			return fmt.Sprintf("%s is a local folder: name it %s%s (an OCI layout)", ref, SchemeOCILayout, ref)
		}
	case err == nil:
		return fmt.Sprintf("%s is a local file: name its format, %s%s (docker save) or %s%s (an OCI archive)",
			ref, SchemeDockerArchive, ref, SchemeOCIArchive, ref)
	case pathish:
		return fmt.Sprintf("%s: no such file or folder (a local image needs a scheme: %sFILE, %sFILE or %sDIR)",
			ref, SchemeDockerArchive, SchemeOCIArchive, SchemeOCILayout)
	}
	return ""
}

func openDaemon(ctx context.Context, label, ref string) ([]Source, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", ref, err)
	}
	img, err := daemon.Image(r, daemon.WithContext(ctx), daemon.WithUnbufferedOpener())
	if err != nil {
		return nil, &unreachableError{fmt.Errorf("loading %s from the Docker daemon (is one running and is DOCKER_HOST right?): %w", ref, err)}
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
	// A registry that accepts the connection but never answers fails
	// after responseTimeout instead of hanging the CI job (the timeout is
	// for the response headers only: a long layer download is fine).
	tr := remote.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = responseTimeout
	if o.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // G402: the user asked for --insecure
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithTransport(tr)}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w%s", ref, err, registryHint(err, o.Insecure))
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

// responseTimeout bounds the wait for a registry's response headers.
const responseTimeout = 60 * time.Second

// registryHint says what to try for the registry errors users meet most.
func registryHint(err error, insecure bool) string {
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return " (log in with docker login, or set up a credential helper in ~/.docker/config.json)"
		case http.StatusNotFound:
			return " (check the repository name and the tag or digest)"
		}
	}
	var ce *tls.CertificateVerificationError
	if !insecure && errors.As(err, &ce) {
		return " (a registry with a self-signed certificate or plain http needs --insecure)"
	}
	return ""
}

// unreachableError marks a failure to reach a daemon.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

// Unreachable reports whether err is a failure to reach a registry or a
// daemon (network, timeout, a registry's server error or rate limit): the
// reference may be right, and trying again later may work. Other errors
// from Open mean the reference or the file does not hold a readable image.
func Unreachable(err error) bool {
	var unreach *unreachableError
	if errors.As(err, &unreach) {
		return true
	}
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode >= http.StatusInternalServerError || te.StatusCode == http.StatusTooManyRequests
	}
	// (Not net.Error: syscall.Errno satisfies it, so a missing file
	// would count.)
	var oe *net.OpError
	var ue *url.Error
	var de *net.DNSError
	return errors.As(err, &oe) || errors.As(err, &ue) || errors.As(err, &de)
}

// platformImage is one image manifest of an index.
type platformImage struct {
	platform string
	digest   v1.Hash
	idx      v1.ImageIndex
}

// collect lists the image manifests under idx (nested indexes included),
// skipping attestation manifests. Each digest is visited once: an index
// may list the same child many times, and a walk per listing would be
// exponential in the nesting.
func collect(idx v1.ImageIndex, depth int, seen map[v1.Hash]bool) ([]platformImage, error) {
	if depth > 8 {
		return nil, errors.New("image indexes nested too deep")
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading index manifest: %w", err)
	}
	var out []platformImage
	for _, d := range im.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || seen[d.Digest] {
			continue
		}
		seen[d.Digest] = true
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("reading index %s: %w", d.Digest, err)
			}
			sub, err := collect(child, depth+1, seen)
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
	all, err := collect(idx, 0, map[v1.Hash]bool{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: the index holds no image manifest", label)
	}
	picked := all
	if !o.AllPlatforms {
		platforms := make([]string, len(all))
		for i, pi := range all {
			platforms[i] = pi.platform
		}
		i, err := ChoosePlatform(platforms, o.Platform)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		picked = all[i : i+1]
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

// ChoosePlatform picks one of the platforms of an index ("os/arch[/variant]",
// "" for a manifest that names none): the one that satisfies want when
// given (or the only one, when it names no platform), else the only one,
// else linux on the host's architecture. It
// returns the index of the choice, or an error that lists what there is.
func ChoosePlatform(platforms []string, want string) (int, error) {
	switch {
	case want != "":
		w, err := v1.ParsePlatform(want)
		if err != nil {
			return -1, fmt.Errorf("platform %q: %w", want, err)
		}
		for i, p := range platforms {
			if p == "" {
				continue
			}
			if got, err := v1.ParsePlatform(p); err == nil && got.Satisfies(*w) {
				return i, nil
			}
		}
		if len(platforms) == 1 && platforms[0] == "" {
			// One image that does not say: it may well be the one.
			return 0, nil
		}
		return -1, fmt.Errorf("no image for platform %s; the index has %s", want, platformList(platforms))
	case len(platforms) == 1:
		return 0, nil
	}
	host := "linux/" + runtime.GOARCH + "/"
	for i, p := range platforms {
		if strings.HasPrefix(p+"/", host) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("the index has %d platforms (%s): pick one with --platform, or use --all-platforms", len(platforms), platformList(platforms))
}

func platformList(platforms []string) string {
	ps := make([]string, len(platforms))
	for i, p := range platforms {
		ps[i] = p
		if p == "" {
			ps[i] = "(no platform)"
		}
	}
	sort.Strings(ps)
	return strings.Join(ps, ", ")
}
