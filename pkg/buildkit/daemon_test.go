package buildkit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
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
