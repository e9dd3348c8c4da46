// Package version holds plimsoll's version, set at link time.
package version

import "runtime/debug"

// Version is set with -ldflags "-X github.com/plimsoll/plimsoll/pkg/version.Version=v1.2.3".
var Version = ""

// String returns the version of this binary: the link-time value, else the
// module version recorded by the Go toolchain, else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
