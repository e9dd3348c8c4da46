// Package buildkit connects plimsoll to a BuildKit builder: one given by
// address (unix://, tcp:// with TLS, docker-container://, $BUILDKIT_HOST) or
// a private, daemonless buildkitd that plimsoll starts for the length of one
// run and stops again, leaving no process and no mount behind.
package buildkit

import (
	"io"
	"os"
	"time"
)

// EnvHost is the environment variable naming a builder address, as read by
// buildctl and docker buildx.
const EnvHost = "BUILDKIT_HOST"

// DefaultTimeout bounds how long Connect waits for a builder to answer.
const DefaultTimeout = 10 * time.Second

// TLSOptions are the client TLS files for a tcp:// builder. All paths.
type TLSOptions struct {
	CACert     string // CA certificate that signed the builder's certificate
	Cert       string // client certificate
	Key        string // client key
	ServerName string // name to verify in the builder's certificate; default: the address's host
}

// enabled reports whether any TLS option is set.
func (t TLSOptions) enabled() bool {
	return t.CACert != "" || t.Cert != "" || t.Key != "" || t.ServerName != ""
}

// ConnectOptions say how to reach an existing builder.
type ConnectOptions struct {
	Addr    string        // unix:///path, tcp://host:port, docker-container://name, ...
	TLS     TLSOptions    // for tcp://
	Timeout time.Duration // how long the builder has to answer; 0 means DefaultTimeout
}

// DaemonOptions configure a private buildkitd.
type DaemonOptions struct {
	// Binary is the buildkitd to run. "" finds buildkitd on PATH, then in
	// plimsoll's cache ($PLIMSOLL_CACHE/buildkit-<version>/, made by
	// `make test-deps`).
	Binary string
	// Root is buildkitd's state directory. "" makes a temporary one that
	// Close removes; a given Root is kept (unmounted) so its cache can be
	// reused by a later run.
	Root string
	// Config is the text of a buildkitd.toml. "" runs with an empty config
	// (a system /etc/buildkit/buildkitd.toml is never read).
	Config string
	// ExtraArgs are appended to buildkitd's command line.
	ExtraArgs []string
	// Log receives buildkitd's log output. nil discards it (the last lines
	// are still quoted in errors).
	Log io.Writer
	// StartTimeout bounds how long StartDaemon waits for buildkitd to
	// answer; 0 means one minute.
	StartTimeout time.Duration
	// StopTimeout is the grace period between SIGTERM and SIGKILL in
	// Close; 0 means 10 seconds.
	StopTimeout time.Duration
}

// Options say which builder Open uses.
type Options struct {
	// Addr is the builder address. "" uses $BUILDKIT_HOST, and when that
	// is empty too, starts a private buildkitd (daemonless mode).
	Addr    string
	TLS     TLSOptions
	Timeout time.Duration // for Connect; 0 means DefaultTimeout
	Daemon  DaemonOptions // for daemonless mode
}

// resolveAddr returns the address Open should connect to, "" for daemonless.
func resolveAddr(addr string) string {
	if addr != "" {
		return addr
	}
	return os.Getenv(EnvHost)
}
