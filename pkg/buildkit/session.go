package buildkit

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/containerd/containerd/v2/core/content"
	contentlocal "github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/distribution/reference"
	"github.com/docker/cli/cli/config"
	"github.com/moby/buildkit/identity"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/fsutil"

	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
)

// attachables returns what each solve's session offers the builder:
// registry credentials from the Docker config file, the build secrets and
// the SSH agents.
func attachables(o *BuildOptions) ([]session.Attachable, error) {
	cfgDir := o.DockerConfigDir
	if cfgDir == "" {
		cfgDir = config.Dir()
	}
	cf, err := config.Load(cfgDir)
	if err != nil {
		return nil, inputErrorf("reading the Docker config in %s for registry credentials: %w", cfgDir, err)
	}
	out := []session.Attachable{authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{ConfigFile: cf})}

	if len(o.Secrets) > 0 {
		srcs := make([]secretsprovider.Source, 0, len(o.Secrets))
		for _, s := range o.Secrets {
			if s.Env != "" {
				if _, ok := os.LookupEnv(s.Env); !ok {
					return nil, inputErrorf("--secret id=%s: environment variable %s is not set", s.ID, s.Env)
				}
			}
			srcs = append(srcs, secretsprovider.Source{ID: s.ID, FilePath: s.Src, Env: s.Env})
		}
		store, err := secretsprovider.NewStore(srcs)
		if err != nil {
			return nil, inputErrorf("--secret: %s", cleanMessage(err))
		}
		out = append(out, secretsprovider.NewSecretProvider(store))
	}

	if len(o.SSH) > 0 {
		confs := make([]sshprovider.AgentConfig, 0, len(o.SSH))
		for _, s := range o.SSH {
			confs = append(confs, sshprovider.AgentConfig{ID: s.ID, Paths: s.Paths})
		}
		p, err := sshprovider.NewSSHAgentProvider(confs)
		if err != nil {
			return nil, inputErrorf("--ssh: %s (is SSH_AUTH_SOCK set?)", cleanMessage(err))
		}
		out = append(out, p)
	}
	return out, nil
}

// namedContexts is what --build-context turns into for a solve.
type namedContexts struct {
	attrs  map[string]string
	stores map[string]content.Store
	locals map[string]fsutil.FS
}

// contextKey is the frontend's name for a FROM image: the familiar name
// without ":latest", as dockerui looks it up (busybox:latest -> busybox).
func contextKey(name string) string {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return strings.TrimSuffix(reference.FamiliarString(named), ":latest")
}

func resolveContexts(bcs []buildflags.BuildContext) (*namedContexts, error) {
	nc := &namedContexts{attrs: map[string]string{}, stores: map[string]content.Store{}, locals: map[string]fsutil.FS{}}
	for i, bc := range bcs {
		key := "context:" + contextKey(bc.Name)
		if _, dup := nc.attrs[key]; dup {
			return nil, inputErrorf("--build-context %s given twice", bc.Name)
		}
		switch bc.Kind {
		case buildflags.ContextOCILayout:
			dgst, err := layoutDigest(bc.Value, bc.Tag, bc.Digest)
			if err != nil {
				return nil, inputErrorf("--build-context %s: %w", bc.Name, err)
			}
			store, err := contentlocal.NewStore(bc.Value)
			if err != nil {
				return nil, inputErrorf("--build-context %s: opening OCI layout %s: %w", bc.Name, bc.Value, err)
			}
			id := identity.NewID()
			nc.stores[id] = store
			tag := bc.Tag
			if tag == "" {
				tag = "latest"
			}
			nc.attrs[key] = "oci-layout://" + id + ":" + tag + "@" + dgst
		case buildflags.ContextImage:
			nc.attrs[key] = "docker-image://" + bc.Value
		case buildflags.ContextDir:
			fi, err := os.Stat(bc.Value)
			if err != nil || !fi.IsDir() {
				return nil, inputErrorf("--build-context %s: %s is not a directory", bc.Name, bc.Value)
			}
			fs, err := fsutil.NewFS(bc.Value)
			if err != nil {
				return nil, inputErrorf("--build-context %s: %w", bc.Name, err)
			}
			local := fmt.Sprintf("named-context-%d", i)
			nc.locals[local] = fs
			nc.attrs[key] = "local:" + local
		default:
			nc.attrs[key] = bc.Value
		}
	}
	return nc, nil
}

// layoutDigest finds the image to use in an OCI layout: the given digest,
// the manifest tagged tag, the only manifest, or the one tagged latest.
func layoutDigest(dir, tag, dgst string) (string, error) {
	f, err := os.Open(filepath.Join(dir, "index.json"))
	if err != nil {
		return "", fmt.Errorf("%s is not an OCI layout (no readable index.json): %w", dir, err)
	}
	defer f.Close()
	var idx ocispecs.Index
	if err := json.NewDecoder(io.LimitReader(f, maxJSONBlob)).Decode(&idx); err != nil {
		return "", fmt.Errorf("%s/index.json: %w", dir, err)
	}
	if dgst != "" {
		if _, err := os.Stat(filepath.Join(dir, "blobs", strings.Replace(dgst, ":", string(filepath.Separator), 1))); err != nil {
			return "", fmt.Errorf("OCI layout %s has no image %s", dir, dgst)
		}
		return dgst, nil
	}
	tagged := func(t string) (string, bool) {
		for _, m := range idx.Manifests {
			if m.Annotations[ocispecs.AnnotationRefName] == t || strings.HasSuffix(m.Annotations["io.containerd.image.name"], ":"+t) {
				return m.Digest.String(), true
			}
		}
		return "", false
	}
	if tag != "" {
		if d, ok := tagged(tag); ok {
			return d, nil
		}
		return "", fmt.Errorf("OCI layout %s has no image tagged %q", dir, tag)
	}
	switch len(idx.Manifests) {
	case 0:
		return "", fmt.Errorf("OCI layout %s holds no image", dir)
	case 1:
		return idx.Manifests[0].Digest.String(), nil
	}
	if d, ok := tagged("latest"); ok {
		return d, nil
	}
	return "", fmt.Errorf("OCI layout %s holds %d images: pick one with oci-layout://DIR:TAG or oci-layout://DIR@sha256:HEX", dir, len(idx.Manifests))
}

// sessionAttachable is what a solve's session offers the builder.
type sessionAttachable = session.Attachable

func (p *buildPlan) sessionAttachables() []session.Attachable {
	return slices.Clone(p.session)
}
