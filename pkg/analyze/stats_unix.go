//go:build unix

package analyze

import (
	"runtime"
	"syscall"
)

// PeakRSS returns the process's peak resident set size in bytes
// (getrusage's ru_maxrss), or 0 when unknown.
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) //nolint:unconvert // int32 on 32-bit platforms; bytes on darwin
	}
	return int64(ru.Maxrss) * 1024 //nolint:unconvert // int32 on 32-bit platforms; KiB on Linux and the BSDs
}
