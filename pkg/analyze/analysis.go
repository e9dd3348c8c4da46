// Package analyze weighs a container image: size, layers, the
// dive-compatible efficiency metrics, the bytes a squash would really
// reclaim, waste by category and the largest files.
//
// Each layer is read once as a stream and indexed into a compact entry list
// (no contents kept, nothing written to disk); layers are indexed
// concurrently and then merged in manifest order. Memory is proportional to
// the number of entries, not to the bytes.
package analyze

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/plimsoll/plimsoll/pkg/report"
)

// Options tune an analysis.
type Options struct {
	// Concurrency is the number of layers decompressed and indexed at once;
	// 0 means one per core (GOMAXPROCS).
	Concurrency int
	// TopN bounds largest_files, inefficient_files and each waste
	// category's paths; 0 means 20, <0 means no limit.
	TopN int
	// DirDepth bounds Dirs (directory sizes of the final filesystem);
	// 0 means 4, <0 means none.
	DirDepth int
	// Name labels the image in reports (the reference the user gave).
	Name string
	// Platform labels the image's platform ("linux/amd64"; Image takes it
	// from the config when empty). FromOCIStream also uses it to pick one
	// image of a multi-platform stream.
	Platform string
	// StoredUncompressed says the layers are stored as plain tar (a
	// docker-archive): the layer's own digest is never asked for (it would
	// make go-containerregistry compress the layer), the diff_id is
	// verified instead, and compressed_bytes is the tar size.
	StoredUncompressed bool
	// MergeGCPercent, when > 0, is the garbage collector's percent
	// (debug.SetGCPercent) while the layers are merged, restored after.
	// The merge's live set is a few hundred bytes per entry and its
	// garbage short-lived, so a low percent (10) cuts the peak RSS by
	// about a fifth for a few percent of time. It is process-wide: set it
	// only where one analysis runs at a time (the CLI does). A lower
	// setting already in force (GOGC) is kept; GOGC=off stays off.
	MergeGCPercent int
}

func (o Options) topN() int {
	switch {
	case o.TopN == 0:
		return 20
	case o.TopN < 0:
		return int(^uint(0) >> 1)
	}
	return o.TopN
}

func (o Options) dirDepth() int {
	if o.DirDepth == 0 {
		return 4
	}
	return o.DirDepth
}

func (o Options) workers() int {
	if o.Concurrency > 0 {
		return o.Concurrency
	}
	return runtime.GOMAXPROCS(0)
}

// Analysis is the result of weighing one image. Its JSON is the payload of
// an analysis report.
type Analysis struct {
	Image    string `json:"image"`
	Platform string `json:"platform,omitempty"`
	// Digest is the manifest digest, when known.
	Digest string `json:"digest,omitempty"`
	// SizeBytes is the sum of the layers' uncompressed sizes (dive's
	// "image size": every tar entry's size, in every layer).
	SizeBytes int64 `json:"size_bytes"`
	// CompressedBytes is the sum of the stored layer blob sizes.
	CompressedBytes int64 `json:"compressed_bytes"`
	// FinalBytes is the size of the regular files of the final filesystem
	// (what a squashed image would hold).
	FinalBytes int64   `json:"final_bytes"`
	Layers     []Layer `json:"layers"`
	// Files is the number of entries of the final filesystem.
	Files int `json:"files"`

	// Efficiency, WastedBytes, UserWastedRatio and InefficientFiles are
	// dive v0.13.1's numbers, computed the way dive does.
	Efficiency       float64           `json:"efficiency"`
	WastedBytes      int64             `json:"wasted_bytes"`
	UserWastedRatio  float64           `json:"user_wasted_ratio"`
	InefficientFiles []InefficientFile `json:"inefficient_files"`
	// InefficientCount is the number of dive inefficiencies before TopN.
	InefficientCount int `json:"inefficient_count"`

	// ReclaimableBytes is what squashing the layers would save: every file
	// version that is deleted, hidden by an opaque directory or replaced in
	// a later layer, counted once.
	ReclaimableBytes int64           `json:"reclaimable_bytes"`
	Waste            []WasteCategory `json:"waste"`
	LargestFiles     []File          `json:"largest_files"`
	Dirs             []DirSize       `json:"dirs,omitempty"`

	// Warnings are things worth knowing that are not errors (for example
	// where dive's own tree walk would fail and its numbers are partial).
	Warnings []string `json:"warnings,omitempty"`
	// CI is the outcome of CI mode, when it ran.
	CI    *CIResult `json:"ci,omitempty"`
	Stats *Stats    `json:"stats,omitempty"`
}

// Layer is one layer of the image, in manifest order.
type Layer struct {
	Index           int    `json:"index"`
	Digest          string `json:"digest"`
	DiffID          string `json:"diff_id,omitempty"`
	MediaType       string `json:"media_type,omitempty"`
	SizeBytes       int64  `json:"size_bytes"`
	CompressedBytes int64  `json:"compressed_bytes"`
	CreatedBy       string `json:"created_by"`
	// Files counts the layer's entries that are not directories or
	// whiteout markers; Whiteouts counts deletions and opaque markers.
	Files     int `json:"files"`
	Whiteouts int `json:"whiteouts"`
	// ReclaimableBytes is the part of this layer's bytes that a later layer
	// deletes or replaces.
	ReclaimableBytes int64 `json:"reclaimable_bytes"`
}

// InefficientFile is one of dive's inefficiencies: a path present in
// several layers.
type InefficientFile struct {
	Path        string `json:"path"`
	Count       int    `json:"count"`
	WastedBytes int64  `json:"wasted_bytes"`
}

// File is one file of the final filesystem.
type File struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
	Layer     int    `json:"layer"`
	CreatedBy string `json:"created_by,omitempty"`
}

// WasteCategory is one kind of waste.
type WasteCategory struct {
	Category    string `json:"category"`
	Description string `json:"description"`
	Bytes       int64  `json:"bytes"`
	Files       int    `json:"files"`
	// ReclaimableBytes is the part a squash drops (dead versions); the rest
	// is still in the final filesystem and only a change to the build
	// removes it.
	ReclaimableBytes int64        `json:"reclaimable_bytes"`
	Top              []WastePath  `json:"top"`
	Layers           []WasteLayer `json:"layers"`
}

// WastePath is one file of a waste category.
type WastePath struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Layer     int    `json:"layer"`
	CreatedBy string `json:"created_by,omitempty"`
}

// WasteLayer is how much of a category one layer added.
type WasteLayer struct {
	Layer     int    `json:"layer"`
	CreatedBy string `json:"created_by,omitempty"`
	Bytes     int64  `json:"bytes"`
	Files     int    `json:"files"`
}

// DirSize is a directory of the final filesystem with the regular files
// beneath it.
type DirSize struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
	Files     int    `json:"files"`
}

// Stats are the costs of the analysis itself (--stats).
type Stats struct {
	ReadSeconds    float64 `json:"read_seconds"`
	MergeSeconds   float64 `json:"merge_seconds"`
	TotalSeconds   float64 `json:"total_seconds"`
	PeakRSSBytes   int64   `json:"peak_rss_bytes"`
	Entries        int     `json:"entries"`
	UncompressedIn int64   `json:"uncompressed_bytes_read"`
	Workers        int     `json:"workers"`
}

// String is the one-line summary --stats prints.
func (s *Stats) String() string {
	return fmt.Sprintf("read %.3fs, merge %.3fs, total %.3fs, peak RSS %s, %d entries, %s uncompressed, %d workers",
		s.ReadSeconds, s.MergeSeconds, s.TotalSeconds, humanize.IBytes(uint64(max(s.PeakRSSBytes, 0))),
		s.Entries, humanize.Bytes(uint64(max(s.UncompressedIn, 0))), s.Workers)
}

// Report is an analysis report: the envelope plus one analysis per image
// (several with --all-platforms or a build report).
type Report struct {
	report.Header
	Analyses []*Analysis `json:"analyses"`
}

// NewReport wraps analyses in a report with a fresh header.
func NewReport(a ...*Analysis) *Report {
	return &Report{Header: report.NewHeader(report.KindAnalysis), Analyses: a}
}

// ReadReport reads an analysis report file.
func ReadReport(path string) (*Report, error) {
	var r Report
	if err := report.ReadFile(path, report.KindAnalysis, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// layerMeta is what the merge needs to know about a layer besides its
// entries.
type layerMeta struct {
	digest, diffID, mediaType string
	compressed                int64
	createdBy                 string
}

// historyFor aligns the config history with the layers the way dive does:
// empty_layer entries are skipped; missing history reads "(missing)".
func historyFor(hist []historyEntry, n int) []string {
	out := make([]string, n)
	h := 0
	for i := range n {
		out[i] = "(missing)"
		for h < len(hist) && hist[h].EmptyLayer {
			h++
		}
		if h < len(hist) {
			out[i] = hist[h].CreatedBy
			h++
		}
	}
	return out
}

type historyEntry struct {
	CreatedBy  string `json:"created_by"`
	EmptyLayer bool   `json:"empty_layer"`
}

// build merges indexed layers into an Analysis.
// build merges the layers and computes every number. It consumes idxs:
// each layer's Entries are set to nil once used (Size and TarBytes stay).
func build(ctx context.Context, idxs []*LayerIndex, metas []layerMeta, opt Options, start time.Time, readDone time.Time) (*Analysis, error) {
	// Lists are never null in the JSON: a reader can range over them.
	a := &Analysis{Image: opt.Name, Platform: opt.Platform, Layers: []Layer{}, InefficientFiles: []InefficientFile{}}
	labels := make([]string, len(idxs))
	for i := range idxs {
		labels[i] = layerLabel(i, metas[i].digest)
	}

	if p := opt.MergeGCPercent; p > 0 {
		if prev := debug.SetGCPercent(p); prev < p {
			debug.SetGCPercent(prev) // already lower, or off (-1): keep it
		} else {
			defer debug.SetGCPercent(prev)
		}
	}

	// One pass over the layers, in order: the true merge and dive's walk
	// both take a layer as it comes, and the layer's entries are released
	// right after (build consumes idxs), so the entry lists are never live
	// next to two trees, and dive's per-layer trees are never all live.
	fs := newFSTree()
	dw := newDiveWalk()
	entries := 0
	for i, idx := range idxs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fs.apply(i, idx, labels[i]); err != nil {
			return nil, err
		}
		dw.add(buildDiveTree(idx))
		m := metas[i]
		l := Layer{Index: i, Digest: m.digest, DiffID: m.diffID, MediaType: m.mediaType, SizeBytes: idx.Size, CompressedBytes: m.compressed, CreatedBy: m.createdBy}
		for _, e := range idx.Entries {
			switch e.Kind {
			case KindWhiteout, KindOpaque:
				l.Whiteouts++
			case KindDir, KindMeta:
			default:
				l.Files++
			}
		}
		a.CompressedBytes += m.compressed
		a.Layers = append(a.Layers, l)
		entries += len(idx.Entries)
		idx.Entries = nil
	}
	if err := fs.checkSymlinks(); err != nil {
		return nil, fmt.Errorf("final filesystem: %w", err)
	}

	// dive's numbers.
	sizes := make([]int64, len(idxs))
	for i, idx := range idxs {
		sizes[i] = idx.Size
	}
	dr := dw.result(sizes)
	a.SizeBytes = dr.size
	a.Efficiency = dr.efficiency
	a.WastedBytes = dr.wasted
	if dr.userSize > 0 {
		a.UserWastedRatio = float64(dr.wasted) / float64(dr.userSize)
	}
	a.InefficientCount = len(dr.inefficient)
	top := opt.topN()
	for i, d := range dr.inefficient {
		if i >= top {
			break
		}
		a.InefficientFiles = append(a.InefficientFiles, InefficientFile{Path: d.path, Count: d.count, WastedBytes: d.cum})
	}
	for _, l := range dr.aborted {
		a.Warnings = append(a.Warnings, fmt.Sprintf("%s: a whiteout refers to a path dive's stacked tree lacks; dive aborts this layer's walk, and its numbers here do the same", labels[l]))
	}

	for _, d := range fs.dead {
		a.ReclaimableBytes += d.size
		a.Layers[d.layer].ReclaimableBytes += d.size
	}

	live, n := fs.liveFiles()
	a.Files = n
	for _, f := range live {
		a.FinalBytes += f.size
	}
	a.Waste = classify(fs.dead, live, metas, top)
	a.LargestFiles = largest(live, metas, top)
	a.Dirs = fs.dirSizes(opt.dirDepth())

	now := time.Now()
	a.Stats = &Stats{
		ReadSeconds:  readDone.Sub(start).Seconds(),
		MergeSeconds: now.Sub(readDone).Seconds(),
		TotalSeconds: now.Sub(start).Seconds(),
		PeakRSSBytes: PeakRSS(),
		Entries:      entries,
		Workers:      opt.workers(),
	}
	for _, idx := range idxs {
		a.Stats.UncompressedIn += idx.TarBytes
	}
	return a, nil
}

func layerLabel(i int, digest string) string {
	if digest == "" {
		return fmt.Sprintf("layer %d", i)
	}
	return fmt.Sprintf("layer %d (%s)", i, digest)
}

func largest(live []liveFile, metas []layerMeta, top int) []File {
	s := make([]liveFile, len(live))
	copy(s, live)
	sort.SliceStable(s, func(i, j int) bool { return s[i].size > s[j].size })
	out := []File{}
	for i, f := range s {
		if i >= top || f.size == 0 {
			break
		}
		out = append(out, File{Path: f.path, SizeBytes: f.size, Layer: f.layer, CreatedBy: metas[f.layer].createdBy})
	}
	return out
}

// TrimShell drops the shell of a created_by line, as dive shows it:
// "/bin/sh -c #(nop) ADD ..." (the classic builder) becomes "ADD ...",
// "RUN /bin/sh -c apt-get ..." (BuildKit) becomes "RUN apt-get ...".
func TrimShell(createdBy string) string {
	if rest, ok := strings.CutPrefix(createdBy, "RUN /bin/sh -c "); ok {
		return "RUN " + rest
	}
	s := strings.TrimPrefix(createdBy, "/bin/sh -c ")
	return strings.TrimPrefix(s, "#(nop) ")
}
