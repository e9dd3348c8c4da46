package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

func randomLayout(t *testing.T, size int64, layers int64) string {
	t.Helper()
	img, err := random.Image(size, layers)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return "oci-layout://" + dir
}

func TestCompareCommand(t *testing.T) {
	t.Parallel()
	a := randomLayout(t, 1000, 2)
	b := randomLayout(t, 3000, 3)
	reportFile := filepath.Join(t.TempDir(), "cmp.json")
	corrupt := corruptLayout(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"one image", []string{"compare", "a=" + a}, ExitUsage, "", "at least two NAME=IMAGE"},
		{"no name", []string{"compare", a, "b=" + b}, ExitUsage, "", "want NAME=IMAGE"},
		{"bad format", []string{"compare", "--format", "yaml", "a=" + a, "b=" + b}, ExitUsage, "", `unknown --format "yaml"`},
		{"same name", []string{"compare", "a=" + a, "a=" + b}, ExitUsage, "", "used twice"},
		{"missing image", []string{"compare", "a=" + a, "b=oci-layout:///nonexistent/x"}, ExitUsage, "", "plimsoll compare: b: opening"},
		{"corrupt layer", []string{"compare", "a=" + a, "bad=" + corrupt}, ExitUsage, "", "plimsoll compare: bad: analyzing"},
		{"registry unreachable", []string{"compare", "a=" + a, "b=" + closedAddr(t) + "/x"}, ExitFailure, "", "connection refused"},
		{"help", []string{"compare", "-h"}, ExitOK, "", "NAME=IMAGE NAME=IMAGE"},
		{"markdown", []string{"compare", "a=" + a, "b=" + b, "--format", "markdown"}, ExitOK, "| Layers | 2 | 3 | ▲ +1 (+50.0%) |", ""},
		{"text with report", []string{"compare", "--report", reportFile, "a=" + a, "b=" + b}, ExitOK, "a (base)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tt.wantErr)
			}
		})
	}
	data, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Kind   string `json:"kind"`
		Base   string `json:"base"`
		Images []struct {
			Name   string                     `json:"name"`
			Layers int                        `json:"layers"`
			Deltas map[string]json.RawMessage `json:"deltas"`
		} `json:"images"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.Kind != "compare" || r.Base != "a" || len(r.Images) != 2 || r.Images[1].Layers != 3 || r.Images[1].Deltas["size_bytes"] == nil {
		t.Errorf("report = %s", data)
	}
}

// corruptLayout is an OCI layout whose largest layer blob lost its second
// half: it opens, and fails to analyze.
func corruptLayout(t *testing.T) string {
	t.Helper()
	ref := randomLayout(t, 4096, 1)
	blobs := filepath.Join(strings.TrimPrefix(ref, "oci-layout://"), "blobs", "sha256")
	ents, err := os.ReadDir(blobs)
	if err != nil {
		t.Fatal(err)
	}
	var big string
	var size int64
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.Size() > size {
			big, size = filepath.Join(blobs, e.Name()), fi.Size()
		}
	}
	if err := os.Truncate(big, size/2); err != nil {
		t.Fatal(err)
	}
	return ref
}
