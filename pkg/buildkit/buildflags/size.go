package buildflags

import (
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// ParseSize parses a byte size: 512, 64m, 10GB, 1.5GiB (k/m/g are powers
// of 1000, Ki/Mi/Gi powers of 1024, like humanize).
func ParseSize(flag, s string) (int64, error) {
	n, err := humanize.ParseBytes(strings.TrimSpace(s))
	if err != nil || n > 1<<62 {
		return 0, fmt.Errorf("%s %q: not a size; want for example 512m, 10GB or 4GiB", flag, s)
	}
	return int64(n), nil
}

// ParseAddHost parses HOST:IP or HOST=IP into BuildKit's HOST=IP.
func ParseAddHost(s string) (string, error) {
	host, ip, ok := strings.Cut(s, "=")
	if !ok {
		host, ip, ok = strings.Cut(s, ":")
	}
	if !ok || host == "" || ip == "" || strings.ContainsAny(host, ", ") {
		return "", fmt.Errorf("--add-host %q: want HOST:IP, for example db:10.0.0.5", s)
	}
	return host + "=" + ip, nil
}

// Prune is --prune-after: what the builder keeps after the build.
type Prune struct {
	// KeepDuration keeps cache used within this long; 0 with
	// SinceBuild keeps only what this run used.
	KeepDuration time.Duration
	// KeepStorage keeps at most this many bytes of cache (0: no limit).
	KeepStorage int64
	// SinceBuild: keep only what this build used (the default).
	SinceBuild bool
}

// ParsePrune parses --prune-after: "true" (keep only what this build used),
// or keep-duration=DUR,keep-storage=SIZE.
func ParsePrune(s string) (Prune, error) {
	if s == "true" || s == "" {
		return Prune{SinceBuild: true}, nil
	}
	kv, err := keyValues(s, "")
	if err != nil {
		return Prune{}, fmt.Errorf("--prune-after %q: %v; want keep-duration=24h,keep-storage=5GB", s, err)
	}
	var p Prune
	for k, v := range kv {
		switch k {
		case "keep-duration":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return Prune{}, fmt.Errorf("--prune-after %q: keep-duration %q is not a duration like 24h", s, v)
			}
			p.KeepDuration = d
		case "keep-storage":
			n, err := ParseSize("--prune-after keep-storage", v)
			if err != nil {
				return Prune{}, err
			}
			p.KeepStorage = n
		default:
			return Prune{}, fmt.Errorf("--prune-after %q: unknown key %q; want keep-duration=24h,keep-storage=5GB", s, k)
		}
	}
	return p, nil
}
