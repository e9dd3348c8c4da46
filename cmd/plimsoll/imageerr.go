package main

import (
	"context"
	"errors"

	"github.com/plimsoll/plimsoll/pkg/image"
)

// imageError picks the exit code for a failure to open or read an image:
// 1 when a registry or daemon could not be reached (trying again may
// work), 2 when the input itself is wrong (missing, malformed, corrupt,
// truncated, no such tag, platform or variant), and the interrupt code
// when the user stopped it.
func imageError(err error) error {
	if errors.Is(err, context.Canceled) || image.Unreachable(err) {
		return err
	}
	return usageError(err)
}
