package buildkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/sys/mountinfo"
	"golang.org/x/mod/semver"
	"golang.org/x/sys/unix"
)

// EnvCache names plimsoll's cache folder (buildkitd builds, base images).
const EnvCache = "PLIMSOLL_CACHE"

// CacheDir returns plimsoll's cache folder: $PLIMSOLL_CACHE, else
// $HOME/.cache/plimsoll (the user cache directory).
func CacheDir() string {
	if d := os.Getenv(EnvCache); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "plimsoll")
	}
	return filepath.Join(os.TempDir(), "plimsoll-cache")
}

// ModuleVersion is the version of github.com/moby/buildkit this binary was
// built with (go.mod's pin), or "" when the build carries no module data.
func ModuleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/moby/buildkit" {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}

// MissingBinaryError says that no buildkitd was found. Its message is one
// line saying how to get one.
type MissingBinaryError struct {
	Name   string   // "buildkitd" or "runc"
	Looked []string // where it was looked for
}

func (e *MissingBinaryError) Error() string {
	v := ModuleVersion()
	if v == "" {
		v = "v0.26.3" // go.mod's pin when this was written
	}
	if e.Name == "runc" {
		return "runc not found on PATH (buildkitd needs it to run RUN steps): install it with `apt-get install runc`, or pass --builder ADDR to use a running builder"
	}
	return fmt.Sprintf("buildkitd not found (looked in %s): run `make test-deps`, or `go install github.com/moby/buildkit/cmd/buildkitd@%s && apt-get install runc`, or pass --builder ADDR to use a running builder",
		strings.Join(e.Looked, ", "), v)
}

// FindDaemonBinary returns the buildkitd to run: bin when given, else the
// one on PATH, else the one `make test-deps` left in plimsoll's cache.
func FindDaemonBinary(bin string) (string, error) {
	if bin != "" {
		p, err := exec.LookPath(bin)
		if err != nil {
			return "", &MissingBinaryError{Name: "buildkitd", Looked: []string{bin}}
		}
		return p, nil
	}
	looked := []string{"PATH"}
	if p, err := exec.LookPath("buildkitd"); err == nil {
		return p, nil
	}
	v := ModuleVersion()
	if v == "" {
		// A test binary records no module versions: take the newest
		// buildkitd in the cache.
		v = newestCached(CacheDir())
	}
	if v != "" {
		p := filepath.Join(CacheDir(), "buildkit-"+v, "buildkitd")
		looked = append(looked, filepath.Dir(p))
		if isExecutable(p) {
			return p, nil
		}
	} else {
		looked = append(looked, filepath.Join(CacheDir(), "buildkit-VERSION"))
	}
	return "", &MissingBinaryError{Name: "buildkitd", Looked: looked}
}

// newestCached returns the highest version v with a CACHE/buildkit-v/buildkitd.
func newestCached(cache string) string {
	paths, _ := filepath.Glob(filepath.Join(cache, "buildkit-v*", "buildkitd"))
	best := ""
	for _, p := range paths {
		v := strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "buildkit-")
		if semver.IsValid(v) && isExecutable(p) && (best == "" || semver.Compare(v, best) > 0) {
			best = v
		}
	}
	return best
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// Daemon is a private buildkitd started by StartDaemon.
type Daemon struct {
	cmd     *exec.Cmd
	tmp     string // temporary folder: socket, config, and root unless given
	root    string
	ownRoot bool // root is inside tmp and removed on Close
	addr    string
	log     *tailBuffer
	grace   time.Duration
	runc    string // the runc that runs build steps ("" when another runtime does)

	done    chan struct{} // closed when the process has exited
	exitErr error         // valid after done

	closeOnce sync.Once
	closeErr  error
}

// StartDaemon starts a private buildkitd (OCI worker, runc, host network)
// with its own state directory and socket, and returns once it answers.
// ctx bounds the start only: the daemon runs until Close. Callers must
// Close it (defer d.Close()); Close also runs when the start fails.
func StartDaemon(ctx context.Context, o DaemonOptions) (*Daemon, error) {
	bin, err := FindDaemonBinary(o.Binary)
	if err != nil {
		return nil, err
	}
	runc, err := exec.LookPath("runc")
	if err != nil && !hasFlag(o.ExtraArgs, "--oci-worker-binary") {
		return nil, &MissingBinaryError{Name: "runc"}
	}
	if os.Geteuid() != 0 && !hasFlag(o.ExtraArgs, "--rootless") {
		return nil, errors.New("a private buildkitd needs root here: run as root, or pass --builder ADDR to use a running builder")
	}
	removeStale(os.TempDir(), time.Minute, runc)
	tmp, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("making buildkitd's folder: %w", err)
	}
	d := &Daemon{
		tmp:     tmp,
		root:    o.Root,
		addr:    "unix://" + filepath.Join(tmp, "buildkitd.sock"),
		log:     &tailBuffer{max: 16 << 10},
		grace:   o.StopTimeout,
		done:    make(chan struct{}),
		ownRoot: o.Root == "",
		runc:    runc,
	}
	if d.grace <= 0 {
		d.grace = 10 * time.Second
	}
	if d.ownRoot {
		d.root = filepath.Join(tmp, "root")
	} else if d.root, err = filepath.Abs(d.root); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("buildkitd root %q: %w", o.Root, err)
	}
	if err := os.MkdirAll(d.root, 0o700); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("making buildkitd root: %w", err)
	}
	if !d.ownRoot {
		// tmp/root always leads to the root, so that removeStale finds
		// the lock of a running daemon whatever its root.
		if err := os.Symlink(d.root, filepath.Join(tmp, "root")); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	cfg := filepath.Join(tmp, "buildkitd.toml")
	if err := os.WriteFile(cfg, []byte(o.Config), 0o600); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("writing buildkitd config: %w", err)
	}
	args := []string{
		"--root", d.root,
		"--addr", d.addr,
		"--config", cfg,
		"--oci-worker=true",
		"--containerd-worker=false",
		"--oci-worker-net", "host",
		"--otel-socket-path", filepath.Join(tmp, "otel.sock"),
	}
	args = append(args, o.ExtraArgs...)
	d.cmd = exec.Command(bin, args...)
	var logw io.Writer = d.log
	if o.Log != nil {
		logw = io.MultiWriter(d.log, o.Log)
	}
	d.cmd.Stdout = logw
	d.cmd.Stderr = logw
	d.cmd.Dir = tmp
	// Its own process group, so that a terminal's Ctrl-C reaches plimsoll
	// only, and plimsoll stops the daemon in order; SIGTERM if plimsoll
	// dies without stopping it.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	// Pdeathsig fires when the thread that started the child exits; keep
	// the start on one thread that stays in the runtime's pool.
	runtime.LockOSThread()
	err = d.cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		d.exitErr = d.cmd.Wait()
		close(d.done)
	}()
	if err := d.waitReady(ctx, o.StartTimeout); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// waitReady polls until the daemon answers, exits, or time runs out.
func (d *Daemon) waitReady(ctx context.Context, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = time.Minute
	}
	deadline := time.Now().Add(timeout)
	sock := strings.TrimPrefix(d.addr, "unix://")
	for {
		select {
		case <-d.done:
			return fmt.Errorf("buildkitd exited before it answered (%v)%s", d.exitErr, d.log.quote())
		default:
		}
		if _, err := os.Stat(sock); err == nil {
			if d.ping(ctx) == nil {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("buildkitd did not answer at %s within %s%s", d.addr, timeout, d.log.quote())
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func (d *Daemon) ping(ctx context.Context) error {
	c, err := client.New(ctx, d.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err = c.ListWorkers(pctx)
	return err
}

// Addr is the daemon's address, unix:///.../buildkitd.sock.
func (d *Daemon) Addr() string { return d.addr }

// Root is the daemon's state directory.
func (d *Daemon) Root() string { return d.root }

// PID is the daemon's process id.
func (d *Daemon) PID() int { return d.cmd.Process.Pid }

// Log returns the last lines the daemon logged.
func (d *Daemon) Log() string { return d.log.String() }

// Close stops the daemon: SIGTERM, a grace period, SIGKILL to its whole
// process group, then it unmounts whatever is still mounted under its root
// and removes its temporary folder (and the root, when it made it). It is
// safe to call more than once and from several goroutines.
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() { d.closeErr = d.stop() })
	return d.closeErr
}

func (d *Daemon) stop() error {
	var errs []error
	pid := d.cmd.Process.Pid
	select {
	case <-d.done:
	default:
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.done:
		case <-time.After(d.grace):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			select {
			case <-d.done:
			case <-time.After(10 * time.Second):
				errs = append(errs, fmt.Errorf("buildkitd (pid %d) did not exit after SIGKILL", pid))
			}
		}
	}
	// Anything left in its process group goes too, and so do the build
	// containers of a killed daemon: runc runs each in its own process
	// group, so they outlive it.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	if err := d.deleteContainers(); err != nil {
		errs = append(errs, err)
	}
	if err := unmountUnder(d.root); err != nil {
		errs = append(errs, err)
	}
	if err := unmountUnder(d.tmp); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		if err := os.RemoveAll(d.tmp); err != nil {
			errs = append(errs, fmt.Errorf("removing buildkitd's folder: %w", err))
		}
	}
	return errors.Join(errs...)
}

// deleteContainers force-deletes (kills, then removes with their cgroups)
// the runc containers whose bundles are still in the daemon's root. After a
// graceful stop there are none.
func (d *Daemon) deleteContainers() error { return deleteContainers(d.root, d.runc) }

func deleteContainers(root, runc string) error {
	bundles, _ := filepath.Glob(filepath.Join(root, "runc-*", "executor", "*", "config.json"))
	if len(bundles) == 0 {
		return nil
	}
	if runc == "" {
		runc = "runc"
	}
	var errs []error
	for _, b := range bundles {
		id := filepath.Base(filepath.Dir(b))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, runc, "delete", "--force", id).CombinedOutput()
		cancel()
		if err != nil && !strings.Contains(string(out), "does not exist") {
			errs = append(errs, fmt.Errorf("removing build container %s: %v: %s", id, err, bytes.TrimSpace(out)))
		}
	}
	return errors.Join(errs...)
}

// tempPrefix names the temporary folders of private buildkitds.
const tempPrefix = "plimsoll-buildkitd-"

// removeStale removes what private buildkitds of processes that died
// without Close (SIGKILL, a crashed test binary) left in dir: their build
// containers, mounts and folders. A folder is stale when no running
// buildkitd holds its buildkitd.lock or answers on its socket, and either
// a buildkitd has run there (its lock file or socket is left) or it is
// older than minAge (a daemon that is starting has neither yet). Best
// effort: it never fails.
func removeStale(dir string, minAge time.Duration, runc string) {
	ents, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	for _, tmp := range ents {
		fi, err := os.Lstat(tmp)
		if err != nil || !fi.IsDir() {
			continue
		}
		root := filepath.Join(tmp, "root")
		lock := filepath.Join(root, "buildkitd.lock")
		sock := filepath.Join(tmp, "buildkitd.sock")
		if inUse(lock) || answers(sock) {
			continue
		}
		_, lerr := os.Stat(lock)
		_, serr := os.Stat(sock)
		if lerr != nil && serr != nil && time.Since(fi.ModTime()) < minAge {
			continue
		}
		if deleteContainers(root, runc) == nil && unmountUnder(tmp) == nil {
			_ = os.RemoveAll(tmp)
		}
	}
}

// answers reports whether something listens on the unix socket sock.
func answers(sock string) bool {
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// inUse reports whether a running buildkitd holds the lock file (it keeps
// an flock on it while it runs). A missing lock file is not in use.
func inUse(lock string) bool {
	f, err := os.Open(lock)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}

// unmountUnder unmounts every mount point at or below dir, deepest first.
func unmountUnder(dir string) error {
	if dir == "" {
		return nil
	}
	dir = filepath.Clean(dir)
	mounts, err := mountinfo.GetMounts(mountinfo.PrefixFilter(dir))
	if err != nil {
		return fmt.Errorf("listing mounts under %s: %w", dir, err)
	}
	sort.Slice(mounts, func(i, j int) bool { return len(mounts[i].Mountpoint) > len(mounts[j].Mountpoint) })
	var errs []error
	for _, m := range mounts {
		err := unix.Unmount(m.Mountpoint, 0)
		if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			err = unix.Unmount(m.Mountpoint, unix.MNT_DETACH)
		}
		if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", m.Mountpoint, err))
		}
	}
	return errors.Join(errs...)
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// quote returns the last log lines, for an error message.
func (t *tailBuffer) quote() string {
	lines := bytes.Split(bytes.TrimSpace([]byte(t.String())), []byte("\n"))
	if len(lines) == 0 || len(lines[0]) == 0 {
		return ""
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return "; buildkitd said: " + string(bytes.Join(lines, []byte(" | ")))
}
