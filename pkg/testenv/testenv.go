// Package testenv gives tests the real things they need: one shared
// buildkitd per test binary (started lazily, stopped by Main), an in-process
// OCI registry on 127.0.0.1 that the buildkitd reaches over plain http, and
// the local base images that `make test-deps` makes (busybox, debian
// bookworm minbase) as OCI layouts.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// A test that needs buildkitd fails (never skips) when it is missing, saying
// to run `make test`.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/plimsoll/plimsoll/internal/baseimage"
	"github.com/plimsoll/plimsoll/pkg/buildkit"
)

// env is what one test binary has started. A test binary is one process, so
// this is the one place that holds shared state; Main stops all of it.
type env struct {
	mu sync.Mutex

	regAddr string
	regSrv  *http.Server
	regErr  error

	daemon    *buildkit.Daemon
	daemonErr error
}

var shared env

// Main runs the tests, stops everything testenv started, and exits with the
// tests' code. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: stopping: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Stop stops the shared buildkitd and registry. Main calls it; it is
// exported for tests that check that nothing is left behind.
func Stop() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	var errs []error
	if shared.daemon != nil {
		errs = append(errs, shared.daemon.Close())
		shared.daemon = nil
	}
	shared.daemonErr = nil
	if shared.regSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, shared.regSrv.Shutdown(ctx))
		cancel()
		shared.regSrv = nil
		shared.regAddr = ""
	}
	shared.regErr = nil
	return errors.Join(errs...)
}

// Registry returns host:port of an in-process OCI registry (go-containerregistry's
// pkg/registry) listening on 127.0.0.1, shared by the test binary.
func Registry(t testing.TB) string {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	addr, err := shared.registryLocked()
	if err != nil {
		t.Fatalf("testenv: starting the test registry: %v", err)
	}
	return addr
}

func (e *env) registryLocked() (string, error) {
	if e.regAddr != "" || e.regErr != nil {
		return e.regAddr, e.regErr
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.regErr = err
		return "", err
	}
	e.regSrv = &http.Server{
		Handler:           registry.New(registry.Logger(log.New(io.Discard, "", 0))),
		ReadHeaderTimeout: 30 * time.Second,
	}
	go func() { _ = e.regSrv.Serve(ln) }()
	e.regAddr = ln.Addr().String()
	return e.regAddr, nil
}

// DaemonConfig is the buildkitd.toml that lets buildkitd pull from and push
// to the registry at addr (host:port) over plain http.
func DaemonConfig(addr string) string {
	return fmt.Sprintf("[registry.%q]\n  http = true\n  insecure = true\n", addr)
}

// BuildKit returns a client of the shared buildkitd, starting it (and the
// test registry, which it can reach over http) on first use. Each call gets
// its own connection, closed when the test ends; the daemon itself belongs
// to testenv and stops in Main. Closing the returned Builder closes only the
// connection.
func BuildKit(t testing.TB) *buildkit.Builder {
	t.Helper()
	d, err := daemon()
	if err != nil {
		t.Fatalf("testenv: %v (run `make test`, which installs buildkitd and runc and makes the base images)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: d.Addr(), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &buildkit.Builder{Client: c, Addr: d.Addr(), Daemonless: true}
}

// Daemon returns the shared buildkitd, starting it on first use.
func Daemon(t testing.TB) *buildkit.Daemon {
	t.Helper()
	d, err := daemon()
	if err != nil {
		t.Fatalf("testenv: %v (run `make test`, which installs buildkitd and runc and makes the base images)", err)
	}
	return d
}

func daemon() (*buildkit.Daemon, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.daemon != nil || shared.daemonErr != nil {
		return shared.daemon, shared.daemonErr
	}
	reg, err := shared.registryLocked()
	if err != nil {
		return nil, fmt.Errorf("starting the test registry: %w", err)
	}
	var logw io.Writer
	if os.Getenv("PLIMSOLL_TEST_BUILDKITD_LOG") != "" {
		logw = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shared.daemon, shared.daemonErr = buildkit.StartDaemon(ctx, buildkit.DaemonOptions{
		Config:       DaemonConfig(reg),
		Log:          logw,
		StartTimeout: 90 * time.Second,
	})
	return shared.daemon, shared.daemonErr
}

// BaseImage returns the OCI layout directory of a base image made by
// `make test-deps`: "busybox" (busybox-static, a few MB) or "debian"
// (bookworm minbase). It fails the test when the image is missing.
func BaseImage(t testing.TB, name string) string {
	t.Helper()
	dir, _, err := baseImage(name)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func baseImage(name string) (dir, digest string, err error) {
	known := false
	for _, n := range baseimage.Names() {
		known = known || n == name
	}
	if !known {
		return "", "", fmt.Errorf("testenv: no base image %q; have %s", name, strings.Join(baseimage.Names(), ", "))
	}
	dir = baseimage.Dir(buildkit.CacheDir(), name)
	p, err := layout.FromPath(dir)
	if err != nil {
		return "", "", fmt.Errorf("testenv: base image %q not found at %s: run `make test` (or `make test-deps`) to make it: %w", name, dir, err)
	}
	idx, err := p.ImageIndex()
	if err == nil {
		var m *v1.IndexManifest
		m, err = idx.IndexManifest()
		if err == nil && len(m.Manifests) == 1 {
			return dir, m.Manifests[0].Digest.String(), nil
		}
		if err == nil {
			err = fmt.Errorf("want one manifest in index.json, found %d", len(m.Manifests))
		}
	}
	return "", "", fmt.Errorf("testenv: base image %q at %s is unreadable (remove it and run `make test-deps`): %w", name, dir, err)
}

// BuildContexts maps the image references that Dockerfiles name in FROM
// (busybox:latest, debian:bookworm-slim, debian:bookworm, ...) to the local
// base images, as named build context values
// "oci-layout:///abs/dir@sha256:..." (the form of
// `docker buildx build --build-context NAME=oci-layout://DIR@DIGEST`).
func BuildContexts(t testing.TB) map[string]string {
	t.Helper()
	m, err := Contexts()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Contexts is BuildContexts for code without a testing.TB (helper
// processes, benchmarks' setup).
func Contexts() (map[string]string, error) {
	m := map[string]string{}
	for _, name := range baseimage.Names() {
		dir, dgst, err := baseImage(name)
		if err != nil {
			return nil, err
		}
		for _, alias := range baseimage.Aliases(name) {
			m[alias] = "oci-layout://" + dir + "@" + dgst
		}
	}
	return m, nil
}
