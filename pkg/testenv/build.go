package testenv

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/moby/buildkit/client"
	"github.com/tonistiigi/fsutil"
)

// BuildResult is what Build made.
type BuildResult struct {
	Layout string // OCI layout directory holding the image, tagged "latest"
	Logs   string // the build's progress output (vertex names and step logs)
}

// Build builds dockerfile (its text) with the shared buildkitd, with files
// (path -> content) as the build context and the local base images mapped
// to their FROM names, and exports the image as an OCI layout in a
// temporary folder. It is a test helper, not plimsoll's build (see
// pkg/buildkit's solve code): it exists so that tests of analysis and
// reports can weigh real images. It returns the error of a failed build.
func Build(t testing.TB, dockerfile string, files map[string]string) (*BuildResult, error) {
	t.Helper()
	b := BuildKit(t)
	ctxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(ctxDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "image")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var logs strings.Builder
	err := SolveDockerfile(ctx, b.Client, ctxDir, NamedContexts(t), out, &logs)
	if err != nil {
		return &BuildResult{Logs: logs.String()}, err
	}
	return &BuildResult{Layout: out, Logs: logs.String()}, nil
}

// NamedContexts is BuildContexts with the keys the Dockerfile frontend looks
// up (familiar names, without ":latest").
func NamedContexts(t testing.TB) map[string]string {
	t.Helper()
	m, err := FrontendContexts()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FrontendContexts is NamedContexts without a testing.TB.
func FrontendContexts() (map[string]string, error) {
	all, err := Contexts()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for k, v := range all {
		m[strings.TrimSuffix(k, ":latest")] = v
	}
	return m, nil
}

// SolveDockerfile builds contextDir/Dockerfile on c with named contexts
// (NAME -> oci-layout:///dir@sha256:... or any value the frontend takes)
// and exports the result as an OCI layout at outDir. The build's progress
// (finished steps and their output) goes to progress as it happens; nil
// discards it.
func SolveDockerfile(ctx context.Context, c *client.Client, contextDir string, contexts map[string]string, outDir string, progress io.Writer) error {
	return SolveFile(ctx, c, contextDir, filepath.Join(contextDir, "Dockerfile"), contexts, outDir, progress)
}

// FrontendSolveOpt returns the SolveOpt that builds dockerfile (its
// context contextDir) with BuildKit's dockerfile frontend and the named
// contexts (oci-layout:// values are served from OCI stores), with no
// exports: the caller adds the one it needs.
func FrontendSolveOpt(contextDir, dockerfile string, contexts map[string]string) (client.SolveOpt, error) {
	fsys, err := fsutil.NewFS(contextDir)
	if err != nil {
		return client.SolveOpt{}, err
	}
	dfDir, err := fsutil.NewFS(filepath.Dir(dockerfile))
	if err != nil {
		return client.SolveOpt{}, err
	}
	attrs := map[string]string{"filename": filepath.Base(dockerfile)}
	stores := map[string]content.Store{}
	keys := make([]string, 0, len(contexts))
	for k := range contexts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		v := contexts[k]
		if rest, ok := strings.CutPrefix(v, "oci-layout://"); ok {
			dir, dgst, ok := strings.Cut(rest, "@")
			if !ok {
				return client.SolveOpt{}, fmt.Errorf("named context %s=%s: want oci-layout://DIR@sha256:DIGEST", k, v)
			}
			store, err := local.NewStore(dir)
			if err != nil {
				return client.SolveOpt{}, fmt.Errorf("named context %s: %w", k, err)
			}
			id := fmt.Sprintf("ctx%d", i)
			stores[id] = store
			v = "oci-layout://" + id + "@" + dgst
		}
		attrs["context:"+k] = v
	}
	opt := client.SolveOpt{
		Frontend:      "dockerfile.v0",
		FrontendAttrs: attrs,
		LocalMounts:   map[string]fsutil.FS{"context": fsys, "dockerfile": dfDir},
		OCIStores:     stores,
	}
	return opt, nil
}

// SolveFile is SolveDockerfile with the Dockerfile at any path.
func SolveFile(ctx context.Context, c *client.Client, contextDir, dockerfile string, contexts map[string]string, outDir string, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	opt, err := FrontendSolveOpt(contextDir, dockerfile, contexts)
	if err != nil {
		return err
	}
	opt.Exports = []client.ExportEntry{{
		Type:      client.ExporterOCI,
		Attrs:     map[string]string{"tar": "false"},
		OutputDir: outDir,
	}}
	ch := make(chan *client.SolveStatus)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for st := range ch {
			for _, v := range st.Vertexes {
				if v.Completed != nil {
					fmt.Fprintf(progress, "[done] %s\n", v.Name)
				}
				if v.Error != "" {
					fmt.Fprintf(progress, "[error] %s: %s\n", v.Name, v.Error)
				}
			}
			for _, l := range st.Logs {
				_, _ = progress.Write(l.Data)
			}
		}
	}()
	_, err = c.Solve(ctx, nil, opt, ch)
	<-done
	if err != nil {
		return fmt.Errorf("building %s: %w", dockerfile, err)
	}
	return nil
}
