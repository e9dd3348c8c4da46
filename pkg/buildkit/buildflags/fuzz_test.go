package buildflags

import (
	"strings"
	"testing"
)

// The parsers take user input straight from the command line (and from
// action.yml inputs): they must never panic, and an error must be one line.
func fuzzOneLine(t *testing.T, err error) {
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}

func FuzzParseBuildContext(f *testing.F) {
	f.Add("busybox=oci-layout:///cache/busybox:latest@sha256:abc")
	f.Fuzz(func(t *testing.T, s string) {
		bc, err := ParseBuildContext(s)
		fuzzOneLine(t, err)
		if err == nil && (bc.Name == "" || bc.Kind == "") {
			t.Fatalf("ParseBuildContext(%q) = %+v without error", s, bc)
		}
	})
}

func FuzzParseOutput(f *testing.F) {
	f.Add("type=oci,dest=x.tar")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOutput(s)
		fuzzOneLine(t, err)
		if err == nil && (o.Type == OutputOCILayout || o.Type == OutputOCIArchive) && o.Path == "" {
			t.Fatalf("ParseOutput(%q) = %+v: file output without a path", s, o)
		}
	})
}

func FuzzParseSecret(f *testing.F) {
	f.Add("id=tok,src=/run/tok")
	f.Fuzz(func(t *testing.T, s string) {
		sec, err := ParseSecret(s)
		fuzzOneLine(t, err)
		if err == nil && sec.ID == "" {
			t.Fatalf("ParseSecret(%q) = %+v without an id", s, sec)
		}
	})
}

func FuzzParseCache(f *testing.F) {
	f.Add(false, "type=registry,ref=r/a:c,mode=max")
	f.Fuzz(func(t *testing.T, from bool, s string) {
		flag := "--cache-to"
		if from {
			flag = "--cache-from"
		}
		c, err := ParseCache(flag, s)
		fuzzOneLine(t, err)
		if err == nil && c.Type == "" {
			t.Fatalf("ParseCache(%q) without a type", s)
		}
	})
}

func FuzzParseVariant(f *testing.F) {
	f.Add("multi=Dockerfile:runtime")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVariant(s)
		fuzzOneLine(t, err)
		if err == nil && (!ValidName(v.Name) || v.Dockerfile == "") {
			t.Fatalf("ParseVariant(%q) = %+v", s, v)
		}
	})
}
