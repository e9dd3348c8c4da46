// Package compare puts analyzed images side by side: size, compressed size,
// layers, efficiency, wasted and reclaimable bytes, each with its absolute
// and percent delta against the first image, and the directories of the
// final filesystem that grew or shrank most.
//
// It works on analyses (pkg/analyze), whether just computed or read back
// from analysis reports, and knows nothing of flags or CI platforms.
package compare

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// Input is one side of a comparison: an analysis and the name the user
// gave it (NAME in NAME=IMAGE).
type Input struct {
	Name     string
	Ref      string // IMAGE as given, for the report
	Analysis *analyze.Analysis
}

// Options tune a comparison.
type Options struct {
	// TopPaths bounds the grown and the shrunk paths listed per image;
	// 0 means 10, <0 means none.
	TopPaths int
	// Dominant is the share of a directory's change that one child must
	// carry for the child to be shown instead of it (a drill-down). 0
	// means 0.8.
	Dominant float64
}

func (o Options) topPaths() int {
	switch {
	case o.TopPaths == 0:
		return 10
	case o.TopPaths < 0:
		return 0
	}
	return o.TopPaths
}

func (o Options) dominant() float64 {
	if o.Dominant <= 0 || o.Dominant > 1 {
		return 0.8
	}
	return o.Dominant
}

// Report is a comparison report (kind "compare"). Images[0] is the base;
// every other image carries its deltas against it.
type Report struct {
	report.Header
	Base   string  `json:"base"`
	Images []Image `json:"images"`
}

// Image is one column of the comparison.
type Image struct {
	Name             string  `json:"name"`
	Ref              string  `json:"ref,omitempty"`
	Image            string  `json:"image,omitempty"` // what the analysis calls it
	Digest           string  `json:"digest,omitempty"`
	Platform         string  `json:"platform,omitempty"`
	SizeBytes        int64   `json:"size_bytes"`
	CompressedBytes  int64   `json:"compressed_bytes"`
	FinalBytes       int64   `json:"final_bytes"` // the final filesystem's files: a squashed image
	Layers           int     `json:"layers"`
	Files            int     `json:"files"`
	Efficiency       float64 `json:"efficiency"`
	WastedBytes      int64   `json:"wasted_bytes"`
	ReclaimableBytes int64   `json:"reclaimable_bytes"`
	// Deltas maps a metric key (the JSON name above) to the change against
	// the base. Empty for the base.
	Deltas map[string]Delta `json:"deltas,omitempty"`
	// Grew and Shrank are the directories of the final filesystem that
	// changed most against the base, largest change first. Empty for the
	// base, and when either analysis lacks directory sizes (PathsMissing).
	Grew         []PathDelta `json:"grew,omitempty"`
	Shrank       []PathDelta `json:"shrank,omitempty"`
	PathsMissing bool        `json:"paths_missing,omitempty"`
}

// Delta is a change against the base.
type Delta struct {
	// Abs is value - base, in the metric's unit (bytes, a count, or a 0-1
	// ratio for efficiency).
	Abs float64 `json:"abs"`
	// Pct is Abs / base * 100. It is null when the base is 0 and the value
	// is not (growth from nothing has no percentage).
	Pct *float64 `json:"pct"`
}

// NewDelta returns value's change against base.
func NewDelta(base, value float64) Delta {
	d := Delta{Abs: value - base}
	switch {
	case d.Abs == 0:
		d.Pct = ptr(0)
	case base != 0:
		d.Pct = ptr(d.Abs / math.Abs(base) * 100)
	}
	return d
}

func ptr(f float64) *float64 { return &f }

// PathDelta is a directory whose recursive size changed.
type PathDelta struct {
	Path       string   `json:"path"`
	BaseBytes  int64    `json:"base_bytes"`
	Bytes      int64    `json:"bytes"`
	DeltaBytes int64    `json:"delta_bytes"`
	DeltaPct   *float64 `json:"delta_pct"` // null when the base had none
	BaseFiles  int      `json:"base_files"`
	Files      int      `json:"files"`
}

// Unit is how a metric is measured and shown.
type Unit int

// The units of the metrics.
const (
	Bytes Unit = iota
	Count
	Ratio
)

// Metric is one row of the comparison.
type Metric struct {
	Key   string // JSON name, key of Image.Deltas
	Label string
	Unit  Unit
	// LowerIsBetter says which direction is an improvement.
	LowerIsBetter bool
	Value         func(*Image) float64
}

// Metrics lists the compared metrics in the order reports show them.
func Metrics() []Metric {
	return []Metric{
		{"size_bytes", "Size", Bytes, true, func(i *Image) float64 { return float64(i.SizeBytes) }},
		{"compressed_bytes", "Compressed", Bytes, true, func(i *Image) float64 { return float64(i.CompressedBytes) }},
		{"final_bytes", "Final filesystem", Bytes, true, func(i *Image) float64 { return float64(i.FinalBytes) }},
		{"layers", "Layers", Count, true, func(i *Image) float64 { return float64(i.Layers) }},
		{"files", "Files", Count, true, func(i *Image) float64 { return float64(i.Files) }},
		{"efficiency", "Efficiency", Ratio, false, func(i *Image) float64 { return i.Efficiency }},
		{"wasted_bytes", "Wasted (dive)", Bytes, true, func(i *Image) float64 { return float64(i.WastedBytes) }},
		{"reclaimable_bytes", "Reclaimable", Bytes, true, func(i *Image) float64 { return float64(i.ReclaimableBytes) }},
	}
}

// Compare builds the comparison of inputs against inputs[0]. It needs at
// least two inputs with distinct names.
func Compare(inputs []Input, opt Options) (*Report, error) {
	if len(inputs) < 2 {
		return nil, errors.New("compare needs at least two images (NAME=IMAGE NAME=IMAGE)")
	}
	seen := map[string]bool{}
	for _, in := range inputs {
		if in.Name == "" {
			return nil, fmt.Errorf("an image has no name: write NAME=%s", in.Ref)
		}
		if seen[in.Name] {
			return nil, fmt.Errorf("name %q is used twice: give each image its own name", in.Name)
		}
		seen[in.Name] = true
		if in.Analysis == nil {
			return nil, fmt.Errorf("%s: no analysis", in.Name)
		}
	}
	r := &Report{Header: report.NewHeader(report.KindCompare), Base: inputs[0].Name}
	for _, in := range inputs {
		r.Images = append(r.Images, column(in))
	}
	base := &r.Images[0]
	for i := 1; i < len(r.Images); i++ {
		im := &r.Images[i]
		im.Deltas = map[string]Delta{}
		for _, m := range Metrics() {
			im.Deltas[m.Key] = NewDelta(m.Value(base), m.Value(im))
		}
		bd, d := inputs[0].Analysis.Dirs, inputs[i].Analysis.Dirs
		if len(bd) == 0 || len(d) == 0 {
			im.PathsMissing = true
			continue
		}
		im.Grew, im.Shrank = PathDeltas(bd, d, opt)
	}
	return r, nil
}

func column(in Input) Image {
	a := in.Analysis
	return Image{
		Name: in.Name, Ref: in.Ref, Image: a.Image, Digest: a.Digest, Platform: a.Platform,
		SizeBytes: a.SizeBytes, CompressedBytes: a.CompressedBytes, FinalBytes: a.FinalBytes, Layers: len(a.Layers), Files: a.Files,
		Efficiency: a.Efficiency, WastedBytes: a.WastedBytes, ReclaimableBytes: a.ReclaimableBytes,
	}
}

// PathDeltas diffs two directory size lists (analyze.Analysis.Dirs) and
// returns the directories that grew and shrank most, largest change first.
//
// Directories are aggregated so that one change is reported once, at the
// most precise directory that explains it: a directory whose change is
// carried (Options.Dominant, 80%) by one child gives way to that child,
// and a directory is not listed beside its own ancestor or descendant.
func PathDeltas(base, other []analyze.DirSize, opt Options) (grew, shrank []PathDelta) {
	top := opt.topPaths()
	if top == 0 {
		return nil, nil
	}
	type node struct {
		PathDelta
		delta int64
	}
	nodes := map[string]*node{}
	get := func(p string) *node {
		n := nodes[p]
		if n == nil {
			n = &node{PathDelta: PathDelta{Path: p}}
			nodes[p] = n
		}
		return n
	}
	for _, d := range base {
		n := get(d.Path)
		n.BaseBytes, n.BaseFiles = d.SizeBytes, d.Files
	}
	for _, d := range other {
		n := get(d.Path)
		n.Bytes, n.Files = d.SizeBytes, d.Files
	}
	// The biggest same-signed change among each directory's children.
	dominantChild := map[string]int64{}
	for _, n := range nodes {
		n.delta = n.Bytes - n.BaseBytes
		n.DeltaBytes = n.delta
		if n.BaseBytes != 0 {
			n.DeltaPct = ptr(float64(n.delta) / float64(n.BaseBytes) * 100)
		} else if n.delta == 0 {
			n.DeltaPct = ptr(0)
		}
	}
	for p, n := range nodes {
		parent := parentOf(p)
		if parent == "" {
			continue
		}
		pn := nodes[parent]
		if pn == nil || sign(pn.delta) != sign(n.delta) {
			continue
		}
		if abs(n.delta) > abs(dominantChild[parent]) {
			dominantChild[parent] = n.delta
		}
	}
	share := opt.dominant()
	var cands []*node
	for p, n := range nodes {
		if n.delta == 0 {
			continue
		}
		if c := dominantChild[p]; float64(abs(c)) >= share*float64(abs(n.delta)) {
			continue // a child explains it: show the child
		}
		cands = append(cands, n)
	}
	sort.Slice(cands, func(i, j int) bool {
		if a, b := abs(cands[i].delta), abs(cands[j].delta); a != b {
			return a > b
		}
		return cands[i].Path < cands[j].Path
	})
	pick := func(positive bool) []PathDelta {
		var out []PathDelta
		for _, c := range cands {
			if len(out) == top {
				break
			}
			if (c.delta > 0) != positive {
				continue
			}
			related := false
			for _, o := range out {
				if within(c.Path, o.Path) || within(o.Path, c.Path) {
					related = true
					break
				}
			}
			if !related {
				out = append(out, c.PathDelta)
			}
		}
		return out
	}
	return pick(true), pick(false)
}

// within reports whether p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

func parentOf(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return ""
	}
	return p[:i]
}

func sign(x int64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
