package cuda

// TensorFlowRelease is one row of TensorFlow's tested GPU build
// configurations for Linux.
type TensorFlowRelease struct {
	// Package is "tensorflow" (2.x) or "tensorflow_gpu" (1.x).
	Package string
	// Version is the release the row names (2.16.1).
	Version Version
	// Python is the range of Python versions it publishes wheels for.
	Python Range
	// CuDNN and CUDA are the versions it was built and tested with.
	CuDNN, CUDA Version
}

// TensorFlow returns the tested configuration of a TensorFlow release,
// matched on major.minor (2.15.1 -> the 2.15.0 row). ok is false for an
// unknown release.
func (db *DB) TensorFlow(v Version) (TensorFlowRelease, bool) {
	for _, r := range db.tensorflow {
		if r.Version.SameMinor(v) {
			return r, true
		}
	}
	return TensorFlowRelease{}, false
}

// TensorFlowFits reports whether a TensorFlow release's tested CUDA can run
// on an image's CUDA. TensorFlow loads the CUDA libraries by soname
// (libcudart.so.12, libcublas.so.12, libcudnn.so.9): the image must have the
// same CUDA major, and a minor at least the tested one so that every symbol
// the build links is there.
func (r TensorFlowRelease) TensorFlowFits(image Version) bool {
	if r.CUDA.Major != image.Major {
		return false
	}
	return image.MajorMinor().Compare(r.CUDA.MajorMinor()) >= 0
}

// CuDNNFits reports whether a cuDNN major in the image serves this release
// (0 means unknown and fits).
func (r TensorFlowRelease) CuDNNFits(major int) bool {
	return major == 0 || major == r.CuDNN.Major
}

// NewestTensorFlowFor returns the newest TensorFlow release that publishes
// wheels for Python py (3.6 -> 2.6). ok is false when none does.
func (db *DB) NewestTensorFlowFor(py Version) (TensorFlowRelease, bool) {
	var best TensorFlowRelease
	found := false
	for _, r := range db.tensorflow {
		if r.Python.Contains(py) && (!found || r.Version.Compare(best.Version) > 0) {
			best, found = r, true
		}
	}
	return best, found
}
