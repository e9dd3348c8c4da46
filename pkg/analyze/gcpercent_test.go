package analyze

import (
	"context"
	"runtime/debug"
	"testing"
	"time"
)

// TestMergeGCPercentRestored checks that build puts the collector's
// percent back, and keeps a lower one (or off) that was already in force.
func TestMergeGCPercentRestored(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	for _, before := range []int{100, 300, 5, -1} {
		debug.SetGCPercent(before)
		idxs, metas := benchIndexes(3)
		a, err := build(context.Background(), idxs, metas, Options{MergeGCPercent: 10}, time.Now(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if a.Files == 0 {
			t.Fatal("no files in the merged tree")
		}
		if got := debug.SetGCPercent(100); got != before {
			t.Errorf("GC percent %d before build, %d after", before, got)
		}
	}
}
