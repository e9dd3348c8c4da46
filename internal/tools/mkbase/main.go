// Command mkbase makes plimsoll's local base images (busybox, debian
// bookworm minbase) as OCI layouts under the cache folder, skipping those
// already made. `make test-deps` runs it.
//
//	go run ./internal/tools/mkbase [-cache DIR] [-mirror URL] [busybox] [debian]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/plimsoll/plimsoll/internal/baseimage"
	"github.com/plimsoll/plimsoll/pkg/buildkit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "mkbase: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mkbase", flag.ContinueOnError)
	o := baseimage.Options{Log: os.Stderr}
	fs.StringVar(&o.Cache, "cache", buildkit.CacheDir(), "plimsoll's cache folder")
	fs.StringVar(&o.Mirror, "mirror", "", "Debian mirror (default: the one in /etc/apt/sources.list*)")
	fs.StringVar(&o.Busybox, "busybox", "", "static busybox binary (default: busybox on PATH)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	names := fs.Args()
	if len(names) == 0 {
		names = baseimage.Names()
	}
	for _, n := range names {
		dir, err := baseimage.Make(ctx, n, o)
		if err != nil {
			return err
		}
		fmt.Println(dir)
	}
	return nil
}
