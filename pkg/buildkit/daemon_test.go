package buildkit

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// TestDaemonStartStop starts a private buildkitd, checks that it answers,
// and that Close leaves no process, no mount and no folder behind.
func TestDaemonStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := Open(ctx, Options{Addr: "", Daemon: DaemonOptions{}})
	if err != nil {
		t.Fatalf("Open (daemonless): %v (run `make test`, which installs buildkitd)", err)
	}
	if !b.Daemonless || b.Daemon == nil {
		t.Fatalf("Open with no address: Daemonless=%v Daemon=%v, want a private buildkitd", b.Daemonless, b.Daemon)
	}
	ws, err := b.Client.ListWorkers(ctx)
	if err != nil || len(ws) == 0 {
		t.Fatalf("ListWorkers: %v, %d workers", err, len(ws))
	}
	pid, root := b.Daemon.PID(), b.Daemon.Root()
	tmp := filepath.Dir(strings.TrimPrefix(b.Addr, "unix://"))
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertGone(t, pid, tmp, root)
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// assertGone checks that process pid has exited and that nothing is mounted
// under or left at the given folders.
func assertGone(t *testing.T, pid int, dirs ...string) {
	t.Helper()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("buildkitd pid %d still exists after Close (kill 0: %v)", pid, err)
	}
	for _, d := range dirs {
		ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(d))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			t.Errorf("still mounted after Close: %s (%s)", m.Mountpoint, m.FSType)
		}
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Close (%v)", d, err)
		}
	}
}

func writeExecutable(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestTailBuffer(t *testing.T) {
	tb := &tailBuffer{max: 10}
	tb.Write([]byte("0123456789"))
	tb.Write([]byte("abc"))
	if got := tb.String(); got != "3456789abc" {
		t.Errorf("tail = %q", got)
	}
	tb = &tailBuffer{max: 1 << 10}
	for i := 0; i < 8; i++ {
		tb.Write([]byte("line\n"))
	}
	if q := tb.quote(); q != "; buildkitd said: line | line | line | line | line" {
		t.Errorf("quote = %q", q)
	}
	if q := (&tailBuffer{max: 10}).quote(); q != "" {
		t.Errorf("quote of nothing = %q", q)
	}
}

// TestRemoveStale checks that a private buildkitd's folder left by a dead
// process is removed, and that one whose lock is held (a running daemon),
// or that is young and has no lock file yet (starting), is kept.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	mk := func(name string) string {
		p := filepath.Join(dir, tempPrefix+name)
		writeExecutable(t, filepath.Join(p, "root", "buildkitd.lock"))
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dead, held := mk("dead"), mk("held")
	young := filepath.Join(dir, tempPrefix+"young")
	writeExecutable(t, filepath.Join(young, "root", "buildkitd.toml"))
	deadYoung := filepath.Join(dir, tempPrefix+"dead-young")
	writeExecutable(t, filepath.Join(deadYoung, "root", "buildkitd.lock"))
	oldNoLock := filepath.Join(dir, tempPrefix+"old-no-lock")
	writeExecutable(t, filepath.Join(oldNoLock, "buildkitd.toml"))
	os.Chtimes(oldNoLock, old, old)
	other := filepath.Join(dir, "not-ours")
	writeExecutable(t, filepath.Join(other, "x"))
	os.Chtimes(other, old, old)

	// A daemon with a root of its own: tmp/root is a symlink to it.
	ownRoot := filepath.Join(dir, "kept-root")
	writeExecutable(t, filepath.Join(ownRoot, "buildkitd.lock"))
	heldElsewhere := filepath.Join(dir, tempPrefix+"held-elsewhere")
	os.MkdirAll(heldElsewhere, 0o700)
	if err := os.Symlink(ownRoot, filepath.Join(heldElsewhere, "root")); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(heldElsewhere, old, old)
	f2, err := os.Open(filepath.Join(ownRoot, "buildkitd.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if err := unix.Flock(int(f2.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	// A daemon that answers on its socket (its lock not visible here).
	listening := filepath.Join(dir, tempPrefix+"listening")
	os.MkdirAll(listening, 0o700)
	ln, err := net.Listen("unix", filepath.Join(listening, "buildkitd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	os.Chtimes(listening, old, old)
	// A dead daemon's socket, nobody listening.
	deadSock := filepath.Join(dir, tempPrefix+"dead-socket")
	os.MkdirAll(deadSock, 0o700)
	ln2, err := net.Listen("unix", filepath.Join(deadSock, "buildkitd.sock"))
	if err != nil {
		t.Fatal(err)
	}
	ln2.(*net.UnixListener).SetUnlinkOnClose(false)
	ln2.Close()

	f, err := os.Open(filepath.Join(held, "root", "buildkitd.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A lock held by another open file description, as buildkitd holds it.
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	// The dead one still has a mount, as a step interrupted by SIGKILL leaves.
	mnt := filepath.Join(dead, "root", "runc-overlayfs", "executor", "x", "rootfs")
	if err := os.MkdirAll(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mounting a tmpfs (tests run as root): %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(mnt, unix.MNT_DETACH) })
	os.Chtimes(dead, old, old)
	removeStale(dir, time.Minute, "")
	if ms, _ := mountinfo.GetMounts(mountinfo.PrefixFilter(dead)); len(ms) > 0 {
		t.Errorf("still mounted: %s", ms[0].Mountpoint)
	}
	for p, want := range map[string]bool{dead: false, held: true, young: true, other: true, deadYoung: false, oldNoLock: false, heldElsewhere: true, ownRoot: true, listening: true, deadSock: false} {
		_, err := os.Stat(p)
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), got, want)
		}
	}
}

// TestDaemonGivenRoot checks that a root given by the caller survives Close
// (unmounted) and serves a second daemon.
func TestDaemonGivenRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	for i := 0; i < 2; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		d, err := StartDaemon(ctx, DaemonOptions{Root: root})
		cancel()
		if err != nil {
			t.Fatalf("start %d: %v (run `make test`, which installs buildkitd)", i, err)
		}
		if d.Root() != root {
			t.Errorf("Root = %s, want %s", d.Root(), root)
		}
		tmp := filepath.Dir(strings.TrimPrefix(d.Addr(), "unix://"))
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		assertGone(t, d.PID(), tmp)
		if _, err := os.Stat(filepath.Join(root, "cache.db")); err != nil {
			t.Errorf("given root not kept: %v", err)
		}
		if ms, _ := mountinfo.GetMounts(mountinfo.PrefixFilter(root)); len(ms) > 0 {
			t.Errorf("still mounted under the kept root: %s", ms[0].Mountpoint)
		}
	}
}
