package buildkit_test

import (
	"testing"

	"github.com/plimsoll/plimsoll/pkg/testenv"
)

// TestMain stops the shared buildkitd and registry that testenv starts.
func TestMain(m *testing.M) { testenv.Main(m) }
