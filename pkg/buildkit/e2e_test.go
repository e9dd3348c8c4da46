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
		"docker-container://plimsoll-no-such-builder",
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

// startWatcher prints RUNNING (or closes ch, when set) once the RUN step
// has printed "step-42".
type startWatcher struct {
	seen bool
	ch   chan struct{}
}

func (w *startWatcher) Write(p []byte) (int, error) {
	if !w.seen && strings.Contains(string(p), "step-42") {
		w.seen = true
		if w.ch != nil {
			close(w.ch)
		} else {
			fmt.Println("RUNNING")
		}
	}
	return len(p), nil
}

// TestCLIInterruptLeavesNothing runs `plimsoll build` (daemonless) in its
// own process group, sends SIGINT to the group while a RUN step is running,
// as a terminal's Ctrl-C does (and SIGTERM, as a CI runner canceling a job
// does), and checks that plimsoll exits and leaves no buildkitd, no mount
// and no state folder behind. It also checks that an unreachable --builder
// fails within seconds with one line naming the address.
func TestCLIInterruptLeavesNothing(t *testing.T) {
	busybox := testenv.BaseImage(t, "busybox")
	bin := filepath.Join(t.TempDir(), "plimsoll")
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	build := exec.Command("go", "build", "-o", bin, "./cmd/plimsoll")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/plimsoll: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) { interruptCLI(t, bin, busybox, sig) })
	}
	t.Run("unreachable builder", func(t *testing.T) {
		const addr = "tcp://127.0.0.1:1"
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := exec.Command(bin, "build", "--builder", addr, dir).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("plimsoll build --builder %s: %v, want exit 1", addr, err)
		}
		if msg := strings.TrimSpace(string(out)); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, addr) {
			t.Errorf("want one line naming %s, got:\n%s", addr, out)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("took %s to fail", took)
		}
	})
}

func interruptCLI(t *testing.T, bin, busybox string, sig syscall.Signal) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\nRUN echo step-$((40+2)) && sleep 300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "build", "--progress", "plain", "--build-context", "busybox=oci-layout://"+busybox, dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	exited := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); exited <- err }()
	var out strings.Builder
	running := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		seen := false
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if !seen && strings.Contains(sc.Text(), "step-42") {
				seen = true
				running <- true
			}
		}
		if !seen {
			running <- false
		}
	}()
	select {
	case ok := <-running:
		if !ok {
			<-exited
			t.Fatalf("plimsoll build ended before its RUN step ran:\n%s", out.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("RUN step did not start within 3 minutes")
	}
	kids := childrenOf(cmd.Process.Pid)
	var daemonPID int
	var daemonRoot string
	for _, k := range kids {
		args, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", k))
		f := strings.Split(string(args), "\x00")
		if len(f) == 0 || filepath.Base(f[0]) != "buildkitd" {
			continue
		}
		daemonPID = k
		for i := range f[:len(f)-1] {
			if f[i] == "--root" {
				daemonRoot = f[i+1]
			}
		}
	}
	if daemonPID == 0 || daemonRoot == "" {
		t.Fatalf("no buildkitd child of plimsoll found (children %v)", kids)
	}
	var steps []int
	bundles, _ := filepath.Glob(filepath.Join(daemonRoot, "runc-*", "executor", "*", "config.json"))
	for _, b := range bundles {
		steps = append(steps, inCgroup("/buildkit/"+filepath.Base(filepath.Dir(b)))...)
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("interrupted plimsoll build exited 0")
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("plimsoll did not exit within 30s of %v:\n%s", sig, out.String())
	}
	if sig == syscall.SIGKILL {
		// plimsoll had no chance to Close: buildkitd gets SIGTERM as its
		// parent-death signal and stops by itself, but the running step's
		// container, its mounts and the folder stay until the next private
		// buildkitd starts and removes them as stale.
		deadline := time.Now().Add(20 * time.Second)
		for syscall.Kill(daemonPID, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		assertNoProcess(t, daemonPID)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		next, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := next.Close(); err != nil {
			t.Error(err)
		}
	}
	assertNoProcess(t, daemonPID)
	for _, p := range append(childrenOf(daemonPID), steps...) {
		assertNoProcess(t, p)
	}
	ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(daemonRoot))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("still mounted: %s", m.Mountpoint)
	}
	if _, err := os.Stat(daemonRoot); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("buildkitd root %s left behind", daemonRoot)
	}
}

// TestDaemonKilledMidBuild covers Close's hard path: a buildkitd that does
// not stop on SIGTERM (here: stopped with SIGSTOP) while a RUN step holds
// mounts is killed with its process group after the grace period, and its
// mounts and folder are removed.
func TestDaemonKilledMidBuild(t *testing.T) {
	contexts := testenv.NamedContexts(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	d, err := buildkit.StartDaemon(ctx, buildkit.DaemonOptions{StopTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	c, err := buildkit.Connect(ctx, buildkit.ConnectOptions{Addr: d.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\nRUN echo step-$((40+2)) && sleep 300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &startWatcher{ch: make(chan struct{})}
	solved := make(chan error, 1)
	go func() {
		solved <- testenv.SolveDockerfile(ctx, c, dir, contexts, filepath.Join(t.TempDir(), "out"), w)
	}()
	select {
	case <-w.ch:
	case err := <-solved:
		t.Fatalf("build ended before its RUN step ran: %v", err)
	case <-ctx.Done():
		t.Fatal("RUN step did not start")
	}
	root := d.Root()
	if ms, _ := mountinfo.GetMounts(mountinfo.PrefixFilter(root)); len(ms) == 0 {
		t.Log("no mounts under the root while RUN runs (nothing for Close to unmount)")
	}
	runners := childrenOf(d.PID())
	bundles, _ := filepath.Glob(filepath.Join(root, "runc-*", "executor", "*", "config.json"))
	if len(bundles) == 0 {
		t.Fatal("no build container bundle under the root while RUN runs")
	}
	for _, b := range bundles {
		runners = append(runners, inCgroup("/buildkit/"+filepath.Base(filepath.Dir(b)))...)
	}
	if len(runners) == 0 {
		t.Fatal("found no process of the running build step")
	}
	if err := syscall.Kill(d.PID(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("Close took %s", took)
	}
	<-solved
	assertNoProcess(t, d.PID())
	for _, p := range runners {
		assertNoProcess(t, p)
	}
	ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(filepath.Dir(root)))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("still mounted: %s", m.Mountpoint)
	}
	if _, err := os.Stat(filepath.Dir(root)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s left behind", filepath.Dir(root))
	}
}

func assertNoProcess(t *testing.T, pid int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return
	}
	if s := string(b); strings.Contains(s[strings.LastIndexByte(s, ')')+1:], " Z ") {
		return // a zombie is gone; its parent has not reaped it yet
	}
	t.Errorf("process %d still runs: %s", pid, b)
}

// inCgroup lists the processes in a cgroup whose path ends with suffix.
func inCgroup(suffix string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cgroup"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasSuffix(line, suffix) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}
