package buildkit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/moby/buildkit/client"
	// docker-container://NAME reaches a buildx builder container through
	// `docker exec ... buildctl dial-stdio`.
	_ "github.com/moby/buildkit/client/connhelper/dockercontainer"
	"google.golang.org/grpc/status"
)

// UnreachableError says a builder did not answer. Its message is one line
// that names the address.
type UnreachableError struct {
	Addr string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach BuildKit builder at %s: %s (check --builder or %s, or leave both unset to run a private buildkitd)",
		e.Addr, oneLine(e.Err), EnvHost)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Connect dials the builder at o.Addr and checks that it answers (by
// listing its workers) within o.Timeout. Supported addresses: unix:///path,
// tcp://host:port (with o.TLS), docker-container://name[?context=ctx].
func Connect(ctx context.Context, o ConnectOptions) (*client.Client, error) {
	if o.Addr == "" {
		return nil, errors.New("no builder address given")
	}
	opts, err := clientOpts(o)
	if err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c, err := client.New(ctx, o.Addr, opts...)
	if err != nil {
		return nil, &UnreachableError{Addr: o.Addr, Err: err}
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := c.ListWorkers(pctx); err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if pctx.Err() != nil {
			err = fmt.Errorf("no answer within %s", timeout)
		}
		return nil, &UnreachableError{Addr: o.Addr, Err: err}
	}
	return c, nil
}

// clientOpts checks the address and turns the TLS options into client
// options.
func clientOpts(o ConnectOptions) ([]client.ClientOpt, error) {
	u, err := url.Parse(o.Addr)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("builder address %q: want unix:///path, tcp://host:port or docker-container://name", o.Addr)
	}
	switch u.Scheme {
	case "unix", "tcp", "docker-container":
	default:
		return nil, fmt.Errorf("builder address %q: unsupported scheme %q; want unix://, tcp:// or docker-container://", o.Addr, u.Scheme)
	}
	if !o.TLS.enabled() {
		return nil, nil
	}
	if u.Scheme != "tcp" {
		return nil, fmt.Errorf("builder address %q: TLS options apply only to tcp:// builders", o.Addr)
	}
	if (o.TLS.Cert == "") != (o.TLS.Key == "") {
		return nil, fmt.Errorf("builder %s: TLS client certificate and key must be given together", o.Addr)
	}
	serverName := o.TLS.ServerName
	if serverName == "" {
		serverName = u.Hostname()
	}
	var opts []client.ClientOpt
	if o.TLS.CACert != "" {
		opts = append(opts, client.WithServerConfig(serverName, o.TLS.CACert))
	} else {
		opts = append(opts, client.WithServerConfigSystem(serverName))
	}
	if o.TLS.Cert != "" {
		opts = append(opts, client.WithCredentials(o.TLS.Cert, o.TLS.Key))
	}
	return opts, nil
}

// oneLine shortens a gRPC dial error to its cause, on a single line.
func oneLine(err error) string {
	if err == nil {
		return "unknown error"
	}
	msg := err.Error()
	if s, ok := status.FromError(err); ok && s.Message() != "" {
		msg = s.Message()
	}
	for _, noise := range []string{
		"failed to list workers: ",
		"Unavailable: ",
		"connection error: ",
		"desc = ",
		"transport: Error while dialing: ",
		"transport: error while dialing: ",
		`\n`,
		`\"`,
		`"`,
	} {
		msg = strings.ReplaceAll(msg, noise, "")
	}
	return strings.Join(strings.Fields(msg), " ")
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Builder is a connected BuildKit builder.
type Builder struct {
	Client     *client.Client
	Addr       string
	Daemonless bool    // a private buildkitd that Close stops
	Daemon     *Daemon // the private buildkitd, nil unless Daemonless

	closeOnce sync.Once
	closeErr  error
}

// Open connects to the builder o names: o.Addr, else $BUILDKIT_HOST, else a
// private buildkitd started for this run (daemonless mode). Close the
// Builder when done; for a private buildkitd that stops it.
func Open(ctx context.Context, o Options) (*Builder, error) {
	if addr := resolveAddr(o.Addr); addr != "" {
		c, err := Connect(ctx, ConnectOptions{Addr: addr, TLS: o.TLS, Timeout: o.Timeout})
		if err != nil {
			return nil, err
		}
		return &Builder{Client: c, Addr: addr}, nil
	}
	d, err := StartDaemon(ctx, o.Daemon)
	if err != nil {
		return nil, err
	}
	c, err := Connect(ctx, ConnectOptions{Addr: d.Addr(), Timeout: o.Timeout})
	if err != nil {
		return nil, errors.Join(err, d.Close())
	}
	return &Builder{Client: c, Addr: d.Addr(), Daemonless: true, Daemon: d}, nil
}

// Close disconnects and stops a private buildkitd. Calling it again does
// nothing.
func (b *Builder) Close() error {
	if b == nil {
		return nil
	}
	b.closeOnce.Do(func() {
		var errs []error
		if b.Client != nil {
			errs = append(errs, b.Client.Close())
		}
		if b.Daemon != nil {
			errs = append(errs, b.Daemon.Close())
		}
		b.closeErr = errors.Join(errs...)
	})
	return b.closeErr
}
