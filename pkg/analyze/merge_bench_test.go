package analyze

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// benchIndexes makes a 30,000-file base layer and a layer deleting n of
// its directories (each with 10 files), as indexes (no I/O): the merge
// alone, which dive does in time quadratic in the whiteouts.
func benchIndexes(n int) ([]*LayerIndex, []layerMeta) {
	base := &LayerIndex{}
	for d := range 3000 {
		dir := fmt.Sprintf("usr/lib/pkg%04d", d)
		base.Entries = append(base.Entries, Entry{Path: dir, Kind: KindDir, IsDir: true})
		for f := range 10 {
			base.Entries = append(base.Entries, Entry{Path: fmt.Sprintf("%s/f%d.so", dir, f), Kind: KindFile, Size: 4096, Hash: uint64(d*10 + f)})
			base.Size += 4096
		}
	}
	del := &LayerIndex{}
	for d := range n {
		del.Entries = append(del.Entries, Entry{Path: fmt.Sprintf("usr/lib/.wh.pkg%04d", d), Kind: KindWhiteout})
	}
	return []*LayerIndex{base, del}, []layerMeta{{digest: "sha256:base"}, {digest: "sha256:del"}}
}

func BenchmarkMergeWhiteouts(b *testing.B) {
	for _, n := range []int{1, 500, 2000} {
		idxs, metas := benchIndexes(n)
		b.Run(fmt.Sprintf("whiteouts=%d", n), func(b *testing.B) {
			for b.Loop() {
				// build consumes its indexes.
				b.StopTimer()
				fresh := make([]*LayerIndex, len(idxs))
				for i, idx := range idxs {
					fresh[i] = &LayerIndex{Entries: slices.Clone(idx.Entries), Size: idx.Size, TarBytes: idx.TarBytes}
				}
				b.StartTimer()
				if _, err := build(context.Background(), fresh, metas, Options{}, time.Now(), time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
