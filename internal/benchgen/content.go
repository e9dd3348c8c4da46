package benchgen

import (
	"encoding/binary"
	"hash/fnv"
	"io"
	"math/rand/v2"
)

// kind says what a generated file's bytes look like, which decides how well
// they compress: gzip must do real work, as on a real image.
type kind uint8

const (
	// binaryKind: shared libraries and executables. Each 4 KiB block is 2 KiB
	// of random bytes followed by a repeat of them, so it deflates to about
	// half, like real ELF files.
	binaryKind kind = iota
	// text: sources, docs, package lists: words from a small vocabulary.
	text
	// random: model weights, .deb and .gz files: incompressible.
	random
)

// fileSeed derives the content seed of one file from the generator seed,
// its path and its version (a library overwritten in a later layer gets a
// new version and so new bytes; an identical re-add keeps the version).
func fileSeed(seed uint64, path string, version int) [32]byte {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(path))
	binary.LittleEndian.PutUint64(b[:], uint64(version))
	h.Write(b[:])
	x := h.Sum64()
	var out [32]byte
	for i := 0; i < 4; i++ {
		x = splitmix(x)
		binary.LittleEndian.PutUint64(out[i*8:], x)
	}
	return out
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	z := x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

const blockSize = 4096

// contentReader yields size deterministic bytes of the given kind.
type contentReader struct {
	rng    *rand.ChaCha8
	kind   kind
	left   int64
	block  [blockSize]byte
	pos    int // read position in block; blockSize means refill
	filled int
}

func newContent(seed [32]byte, k kind, size int64) *contentReader {
	return &contentReader{rng: rand.NewChaCha8(seed), kind: k, left: size, pos: blockSize, filled: blockSize}
}

func (c *contentReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n := 0
	for n < len(p) {
		if c.kind == random && c.pos == c.filled && len(p)-n >= blockSize {
			// Fast path: random bytes straight into p.
			m := (len(p) - n) &^ (blockSize - 1)
			_, _ = c.rng.Read(p[n : n+m])
			n += m
			continue
		}
		if c.pos == c.filled {
			c.refill()
		}
		m := copy(p[n:], c.block[c.pos:c.filled])
		c.pos += m
		n += m
	}
	c.left -= int64(n)
	return n, nil
}

func (c *contentReader) refill() {
	switch c.kind {
	case binaryKind:
		half := blockSize / 2
		_, _ = c.rng.Read(c.block[:half])
		copy(c.block[half:], c.block[:half])
	case text:
		i := 0
		for i < blockSize {
			x := c.rng.Uint64()
			for k := 0; k < 4 && i < blockSize; k++ {
				w := vocabulary[int(x&0xffff)%len(vocabulary)]
				x >>= 16
				i += copy(c.block[i:], w)
				if i < blockSize {
					if x&7 == 0 {
						c.block[i] = '\n'
					} else {
						c.block[i] = ' '
					}
					i++
				}
			}
		}
	default:
		_, _ = c.rng.Read(c.block[:])
	}
	c.pos, c.filled = 0, blockSize
}

// vocabulary is what text files are made of: words seen in package lists,
// Python sources and Debian docs.
var vocabulary = []string{
	"def", "return", "import", "self", "None", "True", "False", "class", "for", "in", "if", "else",
	"Package:", "Version:", "Depends:", "Architecture:", "amd64", "Maintainer:", "Description:",
	"Filename:", "pool/main", "SHA256:", "Installed-Size:", "Priority:", "optional", "Section:", "libs",
	"the", "of", "and", "to", "a", "is", "this", "that", "with", "License", "GPL-2+", "copyright",
	"debian", "changelog", "urgency=medium", "bookworm", "security", "fix", "upstream", "release",
	"(>=", "2.36)", "libc6", "zlib1g", "libssl3", "python3", "numpy", "array", "dtype", "float32",
	"tensor", "shape", "kwargs", "args", "raise", "ValueError", "except", "try", "lambda", "yield",
	"0", "1", "2", "42", "1024", "0x7f", "=", "==", "+=", "()", "[]", "{}", ":", ",", "#", "\"\"\"",
}
