package cuda

// DriverRelease is one row of NVIDIA's "CUDA Toolkit and Corresponding Driver
// Versions" table.
type DriverRelease struct {
	// CUDA is the release's toolkit version (12.4.1 for 12.4 Update 1).
	CUDA Version
	// Label is the row as NVIDIA names it ("CUDA 12.4 Update 1").
	Label string
	// MinLinux and MinWindows are the minimum x86_64 driver versions, as
	// written ("550.54.15"; MinWindows "N/A" from CUDA 13.0).
	MinLinux, MinWindows string
	// FromNVIDIA is false for rows taken from secondary sources.
	FromNVIDIA bool
}

// MinDriver returns the toolkit driver row for a CUDA version: the latest
// release of that minor at or below the asked patch (12.3.2 has no row of
// its own and takes 12.3 Update 1). A version without a patch ("10.2", as old
// image tags spell it) takes the minor's latest row. ok is false for a minor
// the table does not know.
func (db *DB) MinDriver(v Version) (DriverRelease, bool) {
	var best DriverRelease
	found := false
	for _, d := range db.drivers { // sorted ascending
		if !d.CUDA.SameMinor(v) {
			continue
		}
		if v.Parts >= 3 && d.CUDA.Patch > v.Patch && found {
			break
		}
		best, found = d, true
		if v.Parts >= 3 && d.CUDA.Patch >= v.Patch {
			break
		}
	}
	return best, found
}

// MinorCompatDriver returns the minimum Linux driver for CUDA minor version
// compatibility within a major (12 -> "525.60.13"): applications built with
// any 12.x toolkit run on it, with a limited feature set. ok is false for
// majors without minor-version compatibility (10 and older).
func (db *DB) MinorCompatDriver(major int) (string, bool) {
	d, ok := db.minorCompat[major]
	return d, ok
}
