package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// TestGPUExamples lints the examples/gpu-* Dockerfiles with every rule and
// BuildKit's checks: the broken ones must report what their header comments
// promise, and the fixed ones nothing at warning or above.
func TestGPUExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dir  string
		want []string // "PL601@14"; findings at warning or above, any rule
	}{
		{"gpu-torch", []string{"PL403@7", "PL501@9", "PL601@15"}},
		{"gpu-torch-fixed", nil},
		{"gpu-tensorflow", []string{"PL601@15", "PL602@15", "PL603@15"}},
		{"gpu-tensorflow-fixed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", tt.dir)
			path := filepath.Join(dir, "Dockerfile")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			bc, err := dockerfile.OpenContext(dir, path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Lint(context.Background(), Input{Path: path, Data: data, Context: bc}, Options{BuildKit: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				if f.Severity >= finding.Warning {
					got = append(got, fmt.Sprintf("%s@%d", f.Rule, f.Line))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v\n%s", got, tt.want, messages(res.Findings))
			}
		})
	}
}
