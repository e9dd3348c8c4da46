package buildkit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/sys/mountinfo"

	"github.com/plimsoll/plimsoll/pkg/buildkit"
	"github.com/plimsoll/plimsoll/pkg/testenv"
)

const mib = 1 << 20

// imageSizes returns an image's layer count, its uncompressed size (the
// bytes of its layer tars) and its compressed size.
func imageSizes(t *testing.T, dir string) (layers int, size, compressed int64) {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatalf("reading exported layout: %v", err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 {
		t.Fatalf("exported layout has %d manifests, want 1", len(im.Manifests))
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return sizes(t, img)
}

func sizes(t *testing.T, img v1.Image) (layers int, size, compressed int64) {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		c, err := l.Size()
		if err != nil {
			t.Fatal(err)
		}
		compressed += c
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		size += n
	}
	return len(ls), size, compressed
}

// TestBuildBusybox builds a Dockerfile with RUN steps FROM busybox (mapped
// to the local base image by a named context), exports it, and checks its
// layers and size against bounds.
func TestBuildBusybox(t *testing.T) {
	res, err := testenv.Build(t, `FROM busybox:latest
RUN dd if=/dev/urandom of=/blob bs=1024 count=3072 2>/dev/null
RUN echo hello > /hello && rm /blob
COPY app.txt /app/
`, map[string]string{"app.txt": strings.Repeat("plimsoll\n", 1000)})
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Logs)
	}
	layers, size, compressed := imageSizes(t, res.Layout)
	if layers != 4 {
		t.Errorf("layers = %d, want 4 (base + 2 RUN + COPY)", layers)
	}
	// busybox (~2 MiB) + 3 MiB of random bytes that a later layer deletes
	// but cannot reclaim + 9 kB of text.
	if size < 5*mib || size > 6*mib {
		t.Errorf("uncompressed size = %d, want between 5 and 6 MiB", size)
	}
	if compressed < 3*mib || compressed > 5*mib {
		t.Errorf("compressed size = %d, want between 3 and 5 MiB (random data does not compress)", compressed)
	}
}

// TestBuildDebian builds FROM debian:bookworm-slim (the local debootstrap
// minbase) with a RUN that needs bash and dpkg.
func TestBuildDebian(t *testing.T) {
	res, err := testenv.Build(t, `FROM debian:bookworm-slim
RUN bash -c 'dpkg-query -W -f="\${Package}\n" > /packages.txt' && test -s /packages.txt && grep -qx bash /packages.txt
`, nil)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Logs)
	}
	layers, size, _ := imageSizes(t, res.Layout)
	if layers != 2 {
		t.Errorf("layers = %d, want 2", layers)
	}
	if size < 50*mib || size > 300*mib {
		t.Errorf("uncompressed size = %d, want between 50 and 300 MiB for a bookworm minbase", size)
	}
}

// TestBuildFailingRun checks that a failing RUN step fails the build with
// an error that carries its Dockerfile line.
func TestBuildFailingRun(t *testing.T) {
	res, err := testenv.Build(t, "FROM busybox\nRUN true\nRUN echo about to fail && exit 3\n", nil)
	if err == nil {
		t.Fatalf("build of a failing RUN succeeded\n%s", res.Logs)
	}
	if !strings.Contains(err.Error(), "exit code: 3") {
		t.Errorf("error %q does not give the exit code", err)
	}
	srcs := errdefs.Sources(err)
	if len(srcs) == 0 || len(srcs[0].Ranges) == 0 {
		t.Fatalf("error carries no Dockerfile location: %v", err)
	}
	if line := srcs[0].Ranges[0].Start.Line; line != 3 {
		t.Errorf("error points at Dockerfile line %d, want 3", line)
	}
	if !strings.Contains(res.Logs, "about to fail") {
		t.Errorf("step output missing from logs:\n%s", res.Logs)
	}
}

// TestBuildFromRegistry pushes the busybox base image to the in-process
// registry and builds FROM it there: buildkitd reaches it over plain http.
func TestBuildFromRegistry(t *testing.T) {
	reg := testenv.Registry(t)
	p, err := layout.FromPath(testenv.BaseImage(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(reg+"/base/busybox:test", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatalf("pushing to the test registry: %v", err)
	}
	b := testenv.BuildKit(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+ref.String()+"\nRUN echo ok > /ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "out")
	var logs strings.Builder
	if err := testenv.SolveDockerfile(ctx, b.Client, dir, nil, out, &logs); err != nil {
		t.Fatalf("build FROM %s: %v\n%s", ref, err, logs.String())
	}
	if layers, _, _ := imageSizes(t, out); layers != 2 {
		t.Errorf("layers = %d, want 2", layers)
	}
}

// TestConnectUnreachable checks that an address nobody answers at fails
// within seconds, with one line that names the address.
func TestConnectUnreachable(t *testing.T) {
	for _, addr := range []string{
		"unix:///nonexistent/plimsoll/buildkitd.sock",
		"tcp://127.0.0.1:1",
	} {
		t.Run(addr, func(t *testing.T) {
			start := time.Now()
			_, err := buildkit.Open(context.Background(), buildkit.Options{Addr: addr, Timeout: 5 * time.Second})
			took := time.Since(start)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			var ue *buildkit.UnreachableError
			if !errors.As(err, &ue) {
				t.Errorf("error %T is not an UnreachableError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, addr) || strings.Contains(msg, "\n") {
				t.Errorf("error is not one line naming %s: %q", addr, msg)
			}
			if took > 5*time.Second {
				t.Errorf("took %s to fail", took)
			}
		})
	}
}

// TestConnectBadAddress checks the address checks that need no network.
func TestConnectBadAddress(t *testing.T) {
	for _, tc := range []struct {
		o    buildkit.ConnectOptions
		want string
	}{
		{buildkit.ConnectOptions{Addr: "localhost:1234"}, "unsupported scheme"},
		{buildkit.ConnectOptions{Addr: "ftp://x"}, "unsupported scheme"},
		{buildkit.ConnectOptions{Addr: "unix:///x.sock", TLS: buildkit.TLSOptions{CACert: "ca.pem"}}, "only to tcp://"},
		{buildkit.ConnectOptions{Addr: "tcp://h:1", TLS: buildkit.TLSOptions{Cert: "c.pem"}}, "together"},
		{buildkit.ConnectOptions{Addr: "tcp://h:1", TLS: buildkit.TLSOptions{CACert: "/nonexistent/ca.pem"}}, "ca certificate"},
		{buildkit.ConnectOptions{}, "no builder address"},
	} {
		_, err := buildkit.Connect(context.Background(), tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Connect(%+v) = %v, want an error containing %q", tc.o, err, tc.want)
		}
	}
}

// TestEnvHost checks that Open with no address uses $BUILDKIT_HOST.
func TestEnvHost(t *testing.T) {
	t.Setenv(buildkit.EnvHost, "tcp://127.0.0.1:1")
	_, err := buildkit.Open(context.Background(), buildkit.Options{Timeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "tcp://127.0.0.1:1") {
		t.Fatalf("Open with BUILDKIT_HOST set: %v, want it to try that address", err)
	}
	t.Setenv(buildkit.EnvHost, testenv.Daemon(t).Addr())
	b, err := buildkit.Open(context.Background(), buildkit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Daemonless || b.Daemon != nil {
		t.Errorf("Open with BUILDKIT_HOST started a daemon")
	}
}

// TestMissingBuildkitd checks the one-line message when there is no
// buildkitd anywhere.
func TestMissingBuildkitd(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(buildkit.EnvCache, t.TempDir())
	start := time.Now()
	_, err := buildkit.Open(context.Background(), buildkit.Options{})
	var me *buildkit.MissingBinaryError
	if !errors.As(err, &me) {
		t.Fatalf("Open without buildkitd: %v, want a MissingBinaryError", err)
	}
	msg := err.Error()
	for _, want := range []string{"buildkitd not found", "make test-deps", "go install github.com/moby/buildkit/cmd/buildkitd@", "apt-get install runc", "--builder"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message is not one line: %q", msg)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %s to fail", time.Since(start))
	}
	_, err = buildkit.StartDaemon(context.Background(), buildkit.DaemonOptions{Binary: "/nonexistent/buildkitd"})
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "/nonexistent/buildkitd") {
		t.Errorf("StartDaemon with a missing Binary: %v", err)
	}
}

// TestInterruptedBuildLeavesNothing runs a daemonless build in a child
// process (this test binary again, as a CLI would: signal-aware context,
// defer Close), interrupts it with SIGINT to its process group as a
// terminal's Ctrl-C does, and checks that no buildkitd, no runc and no
// mount is left.
func TestInterruptedBuildLeavesNothing(t *testing.T) {
	if os.Getenv("PLIMSOLL_TEST_HELPER") == "interrupt" {
		helperInterruptedBuild()
		return
	}
	testenv.BaseImage(t, "busybox") // fail early, with the make hint, if missing
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptedBuildLeavesNothing$", "-test.v")
	cmd.Env = append(os.Environ(), "PLIMSOLL_TEST_HELPER=interrupt")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	var pid int
	var root string
	running := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if _, err := fmt.Sscanf(line, "DAEMON %d %s", &pid, &root); err == nil {
				continue
			}
			if line == "RUNNING" {
				running <- nil
				io.Copy(io.Discard, stdout)
				return
			}
		}
		running <- fmt.Errorf("child ended before its build ran")
	}()
	select {
	case err := <-running:
		if err != nil {
			cmd.Wait()
			t.Fatalf("%v\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("build did not start RUN within 3 minutes\n%s", stderr.String())
	}
	if pid == 0 {
		t.Fatal("child did not report its buildkitd")
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("child did not exit within 30s of SIGINT\n%s", stderr.String())
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("buildkitd pid %d still exists after the interrupted build (%v)", pid, err)
	}
	if pids := childrenOf(pid); len(pids) > 0 {
		t.Errorf("processes of buildkitd left: %v", pids)
	}
	ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(filepath.Dir(root)))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("still mounted: %s", m.Mountpoint)
	}
	if _, err := os.Stat(filepath.Dir(root)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("buildkitd folder %s left behind", filepath.Dir(root))
	}
}

// childrenOf lists processes whose parent is pid.
func childrenOf(pid int) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 {
			f := strings.Fields(s[i+1:])
			if len(f) > 1 && f[1] == strconv.Itoa(pid) {
				out = append(out, n)
			}
		}
	}
	return out
}

// helperInterruptedBuild is the child of TestInterruptedBuildLeavesNothing:
// it behaves as the CLI does and exits when interrupted.
func helperInterruptedBuild() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := interruptedBuild(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
	}
}

func interruptedBuild(ctx context.Context) error {
	b, err := buildkit.Open(ctx, buildkit.Options{})
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Printf("DAEMON %d %s\n", b.Daemon.PID(), b.Daemon.Root())
	dir, err := os.MkdirTemp("", "plimsoll-interrupt-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\nRUN echo step-$((40+2)) && sleep 300\n"), 0o644); err != nil {
		return err
	}
	contexts, err := testenv.FrontendContexts()
	if err != nil {
		return err
	}
	return testenv.SolveDockerfile(ctx, b.Client, dir, contexts, filepath.Join(dir, "out"), &startWatcher{})
}

// startWatcher prints RUNNING once the RUN step has printed "step-42".
type startWatcher struct{ seen bool }

func (w *startWatcher) Write(p []byte) (int, error) {
	if !w.seen && strings.Contains(string(p), "step-42") {
		w.seen = true
		fmt.Println("RUNNING")
	}
	return len(p), nil
}
