// Package baseimage makes the base images that plimsoll's tests and demo
// build FROM, without pulling anything: a busybox image from Debian's
// busybox-static, and a Debian bookworm minbase made with debootstrap. Each
// is written as a one-layer OCI image layout under plimsoll's cache, keyed by
// Version so that a change in how they are made makes new ones.
package baseimage

import (
	"fmt"
	"path/filepath"
)

// Version keys the cached layouts; bump it when the recipes change.
const Version = "v1"

// Names lists the base images there are, in the order `mkbase` makes them.
func Names() []string { return []string{"busybox", "debian"} }

// RefName is the tag recorded in each layout's index.json
// (org.opencontainers.image.ref.name).
const RefName = "latest"

// Dir is where the OCI layout of the base image name lives under cache.
func Dir(cache, name string) string {
	return filepath.Join(cache, "images", fmt.Sprintf("%s-%s", name, Version))
}

// Aliases are the image references each base image stands in for in a
// Dockerfile's FROM, mapped with named build contexts.
func Aliases(name string) []string {
	switch name {
	case "busybox":
		return []string{"busybox", "busybox:latest"} // FROM busybox:latest looks up "busybox"
	case "debian":
		return []string{"debian:bookworm-slim", "debian:bookworm", "debian:12-slim", "debian:12"}
	}
	return nil
}
