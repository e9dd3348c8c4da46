// Package buildflags turns the flag strings of `plimsoll build` (the ones
// docker/build-push-action users already know: --secret, --build-context,
// --output, --cache-from ...) into typed values. It knows nothing of
// BuildKit's client; pkg/buildkit maps these values onto a solve.
//
// Every parser returns an error that names the flag value and says what a
// good one looks like, so that the command can exit 2 with one line.
package buildflags
