package buildkit

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/moby/buildkit/client"
)

func humanBytes(n int64) string {
	if n < 0 {
		n = 0
	}
	return humanize.Bytes(uint64(n))
}

// DiskUsage returns the builder's total disk use: the sum of its cache
// records (what `buildctl du` totals).
func DiskUsage(ctx context.Context, c *client.Client) (int64, error) {
	recs, err := c.DiskUsage(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the builder's disk use: %w", err)
	}
	var total int64
	for _, r := range recs {
		total += r.Size
	}
	return total, nil
}

// Prune frees builder cache that no build is using: records unused for
// longer than keepDuration (0: any age) until at most keepStorage bytes
// remain (0: no floor). all includes the builder's internal records (the
// context transfer caches, frontend images). It returns the bytes freed.
func Prune(ctx context.Context, c *client.Client, keepDuration time.Duration, keepStorage int64, all bool) (int64, error) {
	ch := make(chan client.UsageInfo)
	var freed int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for u := range ch {
			freed += u.Size
		}
	}()
	var opts []client.PruneOption
	if keepDuration > 0 {
		opts = append(opts, client.WithKeepOpt(keepDuration, 0, keepStorage, 0))
	} else if keepStorage > 0 {
		opts = append(opts, client.WithKeepOpt(0, 0, keepStorage, 0))
	}
	if all {
		opts = append(opts, client.PruneAll)
	}
	err := c.Prune(ctx, ch, opts...)
	close(ch)
	<-done
	if err != nil {
		return freed, fmt.Errorf("pruning the builder's cache: %w", err)
	}
	return freed, nil
}

// diskWatch keeps the builder within a disk budget while a variant builds:
// it polls DiskUsage, prunes unused cache when the total passes the limit,
// and stops the build (through stop) when what is in use alone does not fit.
type diskWatch struct {
	c        *client.Client
	limit    int64
	interval time.Duration
	// root is the builder's state directory when it is on this machine
	// (a private buildkitd): its filesystem's free space is watched too,
	// since DiskUsage cannot see what a running step is writing.
	root string
	// reserve is the free space below which a build is stopped.
	reserve int64

	mu     sync.Mutex
	peak   int64
	pruned int64
}

func (w *diskWatch) observe(n int64) {
	w.mu.Lock()
	if n > w.peak {
		w.peak = n
	}
	w.mu.Unlock()
}

func (w *diskWatch) addPruned(n int64) {
	w.mu.Lock()
	w.pruned += n
	w.mu.Unlock()
}

// check measures the builder once and prunes when over the limit. It
// returns the use after pruning and whether that still exceeds the limit.
func (w *diskWatch) check(ctx context.Context) (int64, bool, error) {
	used, err := DiskUsage(ctx, w.c)
	if err != nil {
		return 0, false, err
	}
	w.observe(used)
	if w.limit <= 0 || used <= w.limit {
		return used, false, nil
	}
	freed, err := Prune(ctx, w.c, 0, w.limit, false)
	w.addPruned(freed)
	if err != nil {
		return used, false, err
	}
	if used, err = DiskUsage(ctx, w.c); err != nil {
		return 0, false, err
	}
	if used <= w.limit {
		return used, false, nil
	}
	// Pruning down to the limit keeps the most recently used records;
	// before giving up, free everything that is not in use.
	freed, err = Prune(ctx, w.c, 0, 0, true)
	w.addPruned(freed)
	if err != nil {
		return used, false, err
	}
	if used, err = DiskUsage(ctx, w.c); err != nil {
		return 0, false, err
	}
	return used, used > w.limit, nil
}

// watch runs check every interval until ctx ends; when the variant does
// not fit it calls stop with a DiskBudgetError.
func (w *diskWatch) watch(ctx context.Context, variant string, stop context.CancelCauseFunc) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if w.root != "" {
			if free, err := freeSpace(w.root); err == nil && free < w.reserve {
				stop(&DiskFullError{Variant: variant, Root: w.root, Free: free})
				return
			}
		}
		used, over, err := w.check(ctx)
		if err != nil {
			continue // a missed measurement is not a reason to fail a build
		}
		if over {
			stop(&DiskBudgetError{Variant: variant, Limit: w.limit, Used: used})
			return
		}
	}
}

// freeSpace returns the bytes available to unprivileged writers on the
// filesystem holding dir.
func freeSpace(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * st.Bsize, nil
}

// DiskFullError says the builder's filesystem was about to fill up.
type DiskFullError struct {
	Variant string
	Root    string
	Free    int64
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("variant %q: stopped before the builder's disk filled up (%s free on the filesystem of %s); lower --max-disk or free space",
		e.Variant, humanBytes(e.Free), e.Root)
}
