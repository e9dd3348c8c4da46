package report

// Build is the report `plimsoll build --report FILE` writes: one entry per
// variant, where each image went, and what the build cost the builder's disk.
// `plimsoll analyze report://FILE` reads it to find the images.
type Build struct {
	Header
	// Builder is the BuildKit address used ("" or "daemonless" for a
	// private buildkitd).
	Builder string `json:"builder"`
	// Context is the build context directory.
	Context  string    `json:"context"`
	Variants []Variant `json:"variants"`
	Disk     Disk      `json:"disk"`
	// Seconds is the wall time of the whole command.
	Seconds float64 `json:"seconds"`
}

// Variant is one built image (one --variant).
type Variant struct {
	Name       string   `json:"name"`
	Dockerfile string   `json:"dockerfile"`
	Target     string   `json:"target,omitempty"`
	Platforms  []string `json:"platforms,omitempty"`
	// Status is "ok" or "failed".
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// ImageDigest is the manifest digest, or the index digest for a
	// multi-platform image.
	ImageDigest  string `json:"image_digest,omitempty"`
	ConfigDigest string `json:"config_digest,omitempty"`
	Layers       int    `json:"layers"`
	// SizeBytes is the sum of the sizes of the layers' entries (dive's
	// "image size", counted as pkg/analyze does); CompressedBytes is the
	// size of the layer blobs (what a pull downloads).
	SizeBytes       int64 `json:"size_bytes"`
	CompressedBytes int64 `json:"compressed_bytes"`
	// Compression is the layer compression CompressedBytes was measured
	// with: gzip (pushed and file outputs), zstd (--output none by
	// default) or uncompressed.
	Compression string   `json:"compression,omitempty"`
	Seconds     float64  `json:"seconds"`
	CacheHits   int      `json:"cache_hits"`
	Steps       int      `json:"steps"`
	Outputs     []Output `json:"outputs,omitempty"`
}

// Output is one place a variant's image went.
type Output struct {
	// Type is "registry", "oci-layout", "oci-archive" or "none".
	Type string `json:"type"`
	// Ref is name@digest for a registry output.
	Ref string `json:"ref,omitempty"`
	// Path is the directory or file of a file output.
	Path string `json:"path,omitempty"`
}

// Output types.
const (
	OutputRegistry   = "registry"
	OutputOCILayout  = "oci-layout"
	OutputOCIArchive = "oci-archive"
	OutputNone       = "none"
)

// Variant statuses.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// Disk is the builder's disk use around the build, in bytes.
type Disk struct {
	// Before and After are the builder's total disk use (DiskUsage) before
	// the first variant and after the last (and after --prune-after).
	Before int64 `json:"before_bytes"`
	After  int64 `json:"after_bytes"`
	// Peak is the largest use seen, measured after each variant.
	Peak int64 `json:"peak_bytes"`
	// Limit is --max-disk (0: none).
	Limit int64 `json:"limit_bytes,omitempty"`
	// Pruned is what pruning (between variants and --prune-after) freed.
	Pruned int64 `json:"pruned_bytes,omitempty"`
}
