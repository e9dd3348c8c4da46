package rules

import (
	"strconv"

	"github.com/dustin/go-humanize"
)

// bytesText renders a size for messages: "1.2 GB (1,234,567,890 bytes)".
func bytesText(n int64) string {
	if n < 0 {
		n = 0
	}
	if n < 1000 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	return humanize.Bytes(uint64(n)) + " (" + humanize.Comma(n) + " bytes)"
}

func countFiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return humanize.Comma(int64(n)) + " files"
}
