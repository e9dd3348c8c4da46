// Package report defines the versioned JSON envelope that plimsoll's CI steps
// exchange. Every report written with --report (lint, build, analysis,
// compare) starts with the same header, so that a later step (comment,
// check) can read it without scraping text and can refuse a report it does
// not understand.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/plimsoll/plimsoll/pkg/version"
)

// Schema is the schema identifier of every report this version writes.
// Readers accept only this major version; additive changes keep it.
const Schema = "plimsoll.report/v1"

// Kind names what a report holds.
type Kind string

// The kinds of report.
const (
	KindLint     Kind = "lint"
	KindBuild    Kind = "build"
	KindAnalysis Kind = "analysis"
	KindCompare  Kind = "compare"
)

// Header starts every report. Embed it first in a report struct.
type Header struct {
	Schema  string    `json:"schema"`
	Kind    Kind      `json:"kind"`
	Tool    string    `json:"tool"`
	Created time.Time `json:"created"`
}

// NewHeader returns a header for a report of the given kind, stamped now.
func NewHeader(kind Kind) Header {
	return Header{Schema: Schema, Kind: kind, Tool: "plimsoll " + version.String(), Created: time.Now().UTC().Truncate(time.Second)}
}

// Write encodes v as indented JSON to w.
func Write(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	return nil
}

// WriteFile writes v to path atomically (temp file + rename), so that a
// reader never sees half a report.
func WriteFile(path string, v any) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".report-*.json")
	if err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := Write(f, v); err != nil {
		f.Close()
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	return nil
}

// ErrWrongKind is returned by Read when a report holds another kind.
var ErrWrongKind = errors.New("wrong report kind")

// Read decodes a report of the wanted kind from r into v (a pointer to a
// struct that embeds Header). It checks the schema and kind first and says
// what to do when they do not match.
func Read(r io.Reader, want Kind, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading report: %w", err)
	}
	var h Header
	if err := json.Unmarshal(data, &h); err != nil {
		return fmt.Errorf("reading report: not a plimsoll JSON report: %w", err)
	}
	if h.Schema != Schema {
		return fmt.Errorf("reading report: schema %q is not %q: regenerate it with this plimsoll (%s)", h.Schema, Schema, version.String())
	}
	if h.Kind != want {
		return fmt.Errorf("reading report: it is a %q report, want %q: %w", h.Kind, want, ErrWrongKind)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s report: %w", want, err)
	}
	return nil
}

// ReadFile is Read on a file.
func ReadFile(path string, want Kind, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading report: %w", err)
	}
	defer f.Close()
	if err := Read(f, want, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
