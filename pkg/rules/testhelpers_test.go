package rules

import (
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"slices"
)

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func parseTarget(t string) dockerfile.ParseOptions { return dockerfile.ParseOptions{Target: t} }
