// Package config reads .plimsoll.yaml, found upward from the working
// folder. Each command owns one section; this package knows the "lint"
// section:
//
//	lint:
//	  ignore: [PL204, DL3059, buildkit:JSONArgsRecommended]
//	  severity:                 # per rule id, hadolint code, buildkit:Name or "buildkit"
//	    PL104: warning          # turn on a rule that is off by default
//	    PL206: off
//	  failure-threshold: warning  # error|warning|info|style|none
//	  trusted-registries: [registry.internal, ghcr.io/acme]
//	  large-folder: 100MB       # PL302's folder threshold (bytes or a size with unit)
//	  buildkit: true            # run BuildKit's own checks (default true)
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dustin/go-humanize"
	"gopkg.in/yaml.v3"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// FileName is the configuration file's name.
const FileName = ".plimsoll.yaml"

// Config is a parsed .plimsoll.yaml.
type Config struct {
	// Path is the file it was read from ("" for the defaults).
	Path string
	Lint Lint
}

// Lint is the "lint" section.
type Lint struct {
	Ignore            []string
	Severity          map[string]finding.Severity
	FailureThreshold  finding.Severity
	TrustedRegistries []string
	LargeFolderBytes  int64
	BuildKit          bool
}

// Default returns the configuration used when there is no file.
func Default() *Config {
	return &Config{Lint: Lint{FailureThreshold: finding.Warning, BuildKit: true, Severity: map[string]finding.Severity{}}}
}

// Find looks for FileName in dir and its parents and returns its path, or
// "" when there is none.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding %s: %w", FileName, err)
	}
	for {
		p := filepath.Join(abs, FileName)
		st, err := os.Stat(p)
		if err == nil && !st.IsDir() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("finding %s: %w", FileName, err)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", nil
		}
		abs = parent
	}
}

// Load finds and reads the configuration for the working folder dir; the
// defaults when there is no file.
func Load(dir string) (*Config, error) {
	p, err := Find(dir)
	if err != nil || p == "" {
		return Default(), err
	}
	return ReadFile(p)
}

// ReadFile reads one configuration file.
func ReadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	c, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

type lintFormat struct {
	Ignore            []string          `yaml:"ignore"`
	Severity          map[string]string `yaml:"severity"`
	FailureThreshold  string            `yaml:"failure-threshold"`
	TrustedRegistries []string          `yaml:"trusted-registries"`
	LargeFolder       string            `yaml:"large-folder"`
	BuildKit          *bool             `yaml:"buildkit"`
}

const lintKeyList = "ignore, severity, failure-threshold, trusted-registries, large-folder, buildkit"

func isLintKey(k string) bool {
	switch k {
	case "ignore", "severity", "failure-threshold", "trusted-registries", "large-folder", "buildkit":
		return true
	}
	return false
}

// Parse reads a configuration. Sections other than lint are left to their
// commands; unknown keys inside lint are errors, so that a typo does not
// silently turn a setting off.
func Parse(r io.Reader) (*Config, error) {
	c := Default()
	var top map[string]yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&top); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	node, ok := top["lint"]
	if !ok {
		return c, nil
	}
	var lf lintFormat
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if k := node.Content[i]; !isLintKey(k.Value) {
				return nil, fmt.Errorf("line %d: unknown key lint.%s (known keys: %s)", k.Line, k.Value, lintKeyList)
			}
		}
	}
	if err := node.Decode(&lf); err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	l := &c.Lint
	for _, id := range lf.Ignore {
		if id = strings.TrimSpace(id); id != "" {
			l.Ignore = append(l.Ignore, id)
		}
	}
	for id, s := range lf.Severity {
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			return nil, fmt.Errorf("lint.severity.%s: %w", id, err)
		}
		l.Severity[id] = sev
	}
	if lf.FailureThreshold != "" {
		sev, err := finding.ParseSeverity(lf.FailureThreshold)
		if err != nil {
			return nil, fmt.Errorf("lint.failure-threshold: %w", err)
		}
		l.FailureThreshold = sev
	}
	l.TrustedRegistries = lf.TrustedRegistries
	if lf.LargeFolder != "" {
		n, err := ParseSize(lf.LargeFolder)
		if err != nil {
			return nil, fmt.Errorf("lint.large-folder: %w", err)
		}
		l.LargeFolderBytes = n
	}
	if lf.BuildKit != nil {
		l.BuildKit = *lf.BuildKit
	}
	return c, nil
}

// ParseSize reads "104857600", "100MB", "100 MiB".
func ParseSize(s string) (int64, error) {
	n, err := humanize.ParseBytes(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: use bytes or a unit, such as 100MB", s)
	}
	if n > 1<<62 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(n), nil
}
