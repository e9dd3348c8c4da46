package analyze

import "syscall"

// PeakRSS returns the process's peak resident set size in bytes
// (getrusage ru_maxrss, which Linux reports in KiB), or 0 when unknown.
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}
