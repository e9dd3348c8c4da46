package config

import (
	"bytes"
	"testing"
)

// FuzzParse reads arbitrary bytes as .plimsoll.yaml: an error or a
// configuration, never a panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"lint:\n  ignore: [PL204]\n  severity: {PL104: warning}\n  failure-threshold: error\n",
		"lint:\n  large-folder: 100MB\n  trusted-registries: [r.internal]\n  buildkit: false\n",
		"analyze:\n  x: 1\n",
		"lint: [1, 2]\n",
		"&a [*a]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(bytes.NewReader(data))
		if err == nil && c == nil {
			t.Fatal("nil config without an error")
		}
	})
}
