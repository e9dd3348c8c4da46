package buildflags

import (
	"fmt"
	"strings"
)

// OutputType is where an image goes.
type OutputType string

// The output types (the same words as report.Output.Type).
const (
	OutputRegistry   OutputType = "registry"
	OutputOCILayout  OutputType = "oci-layout"
	OutputOCIArchive OutputType = "oci-archive"
	OutputNone       OutputType = "none"
)

// Output is one --output.
type Output struct {
	Type OutputType
	// Path is the directory (oci-layout) or file (oci-archive).
	Path string
}

// ParseOutput parses none, oci-layout=DIR, oci-archive=FILE, registry, or
// the buildx forms type=oci,dest=FILE[,tar=false], type=registry and
// type=image,push=true.
func ParseOutput(s string) (Output, error) {
	bad := func(why string) (Output, error) {
		return Output{}, fmt.Errorf("--output %q: %s; want none, oci-layout=DIR, oci-archive=FILE or registry", s, why)
	}
	switch {
	case s == "none" || s == "type=none" || s == "type=cacheonly":
		return Output{Type: OutputNone}, nil
	case s == "registry":
		return Output{Type: OutputRegistry}, nil
	case strings.HasPrefix(s, "oci-layout="):
		p := strings.TrimPrefix(s, "oci-layout=")
		if p == "" {
			return bad("empty directory")
		}
		return Output{Type: OutputOCILayout, Path: p}, nil
	case strings.HasPrefix(s, "oci-archive="):
		p := strings.TrimPrefix(s, "oci-archive=")
		if p == "" {
			return bad("empty file name")
		}
		return Output{Type: OutputOCIArchive, Path: p}, nil
	}
	kv, err := keyValues(s, "")
	if err != nil {
		return bad(err.Error())
	}
	dest := kv["dest"]
	switch kv["type"] {
	case "oci":
		if dest == "" {
			return bad("type=oci needs dest=")
		}
		if kv["tar"] == "false" {
			return Output{Type: OutputOCILayout, Path: dest}, nil
		}
		return Output{Type: OutputOCIArchive, Path: dest}, nil
	case "oci-layout":
		if dest == "" {
			return bad("type=oci-layout needs dest=")
		}
		return Output{Type: OutputOCILayout, Path: dest}, nil
	case "oci-archive":
		if dest == "" {
			return bad("type=oci-archive needs dest=")
		}
		return Output{Type: OutputOCIArchive, Path: dest}, nil
	case "registry":
		return Output{Type: OutputRegistry}, nil
	case "image":
		if kv["push"] == "true" {
			return Output{Type: OutputRegistry}, nil
		}
		return bad("type=image without push=true would only stay in the builder: use none")
	case "none", "cacheonly":
		return Output{Type: OutputNone}, nil
	case "":
		return bad("no type")
	default:
		return bad(fmt.Sprintf("type %q is not supported", kv["type"]))
	}
}
