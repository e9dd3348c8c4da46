package analyze

import (
	"archive/tar"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzReadLayer feeds arbitrary bytes to the layer reader (plain, gzip or
// zstd, sniffed): it must return an index or an error, never panic.
func FuzzReadLayer(f *testing.F) {
	f.Add(layerTar(f, dir("a"), file("a/b", "hello"), symlink("a/c", "b"), hardlink("a/d", "a/b"), whiteout("a/.wh.e"), whiteout("a/.wh..wh..opq")))
	f.Add(gz(f, layerTar(f, file("x", strings.Repeat("x", 600)))))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, _, err := Decompress(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer zr.Close()
		idx, err := ReadLayer(zr, "layer 0")
		if err != nil {
			return
		}
		var sum int64
		for _, e := range idx.Entries {
			if e.Path == "" || strings.HasPrefix(e.Path, "/") || hasDotDot(e.Path) {
				t.Fatalf("unsafe path accepted: %q", e.Path)
			}
			sum += e.Size
		}
		if sum != idx.Size {
			t.Fatalf("size %d != sum of entries %d", idx.Size, sum)
		}
	})
}

// fuzzLayers turns text into layers: layers are separated by "|", entries
// by ";", an entry is OP PATH [ARG] with OP f (file, ARG = contents),
// d (dir), w (whiteout of PATH), o (opaque PATH), s (symlink to ARG),
// h (hardlink to ARG).
func fuzzLayers(spec string) [][]*tar.Header {
	var layers [][]*tar.Header
	for _, l := range strings.Split(spec, "|") {
		var hdrs []*tar.Header
		for _, e := range strings.Split(l, ";") {
			f := strings.Fields(e)
			if len(f) < 2 {
				continue
			}
			arg := ""
			if len(f) > 2 {
				arg = f[2]
			}
			h := &tar.Header{Name: f[1], Mode: 0o644, ModTime: time.Unix(0, 0)}
			switch f[0] {
			case "f":
				h.Typeflag, h.Size = tar.TypeReg, int64(len(arg))
			case "d":
				h.Typeflag = tar.TypeDir
			case "w":
				dir, base := splitLast(f[1])
				h.Typeflag, h.Name = tar.TypeReg, dir+whiteoutPrefix+base
			case "o":
				h.Typeflag, h.Name = tar.TypeReg, strings.TrimSuffix(f[1], "/")+"/"+opaqueMarker
			case "s":
				h.Typeflag, h.Linkname = tar.TypeSymlink, arg
			case "h":
				h.Typeflag, h.Linkname = tar.TypeLink, arg
			default:
				continue
			}
			hdrs = append(hdrs, h)
		}
		layers = append(layers, hdrs)
	}
	return layers
}

func splitLast(p string) (string, string) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1], p[i+1:]
	}
	return "", p
}

// FuzzMerge runs the true merge and dive's algorithm over fuzzed layer
// sequences: never a panic, and every byte is either in the final
// filesystem or reclaimable, exactly once.
func FuzzMerge(f *testing.F) {
	f.Add("d a;f a/b 12345|w a/b|f a/b 12")
	f.Add("d c;f c/x 111;f c/y 2222|o c;f c/z 3|f c/x 4")
	f.Add("f x 1;h y x;s z x|w x|f x 22")
	f.Add("f a/b/c 1|w a;f a/b/c 22|w a/b")
	f.Add("s a b;s b a")
	f.Fuzz(func(t *testing.T, spec string) {
		var idxs []*LayerIndex
		var metas []layerMeta
		for i, hdrs := range fuzzLayers(spec) {
			idx := &LayerIndex{}
			for _, h := range hdrs {
				e, skip, err := entryFromHeader(h)
				if err != nil || skip {
					continue
				}
				if e.Kind == KindFile {
					e.Hash = uint64(e.Size) * 31
				}
				idx.Size += e.Size
				idx.Entries = append(idx.Entries, e)
			}
			idxs = append(idxs, idx)
			metas = append(metas, layerMeta{digest: "d" + string(rune('0'+i%10)), createdBy: "x"})
		}
		var total int64
		for _, idx := range idxs {
			for _, e := range idx.Entries {
				if e.Kind == KindFile {
					total += e.Size
				}
			}
		}
		a, err := build(context.Background(), idxs, metas, Options{TopN: -1}, time.Now(), time.Now())
		if err != nil {
			return
		}
		if a.FinalBytes+a.ReclaimableBytes != total {
			t.Fatalf("final %d + reclaimable %d != all file bytes %d", a.FinalBytes, a.ReclaimableBytes, total)
		}
		if a.Efficiency < 0 || a.Efficiency > 1 {
			t.Fatalf("efficiency %v outside 0-1", a.Efficiency)
		}
		// The per-layer and per-category views of the reclaimable bytes
		// add up to the total (docs/reports.md says they do).
		var byLayer, byCategory int64
		for _, l := range a.Layers {
			byLayer += l.ReclaimableBytes
		}
		for _, c := range a.Waste {
			byCategory += c.ReclaimableBytes
			if c.ReclaimableBytes > c.Bytes {
				t.Fatalf("category %s: reclaimable %d > bytes %d", c.Category, c.ReclaimableBytes, c.Bytes)
			}
		}
		if byLayer != a.ReclaimableBytes || byCategory != a.ReclaimableBytes {
			t.Fatalf("reclaimable %d, but layers sum to %d and categories to %d", a.ReclaimableBytes, byLayer, byCategory)
		}
	})
}

// FuzzFromOCIStream feeds arbitrary bytes as an OCI image tar stream.
func FuzzFromOCIStream(f *testing.F) {
	f.Add(rawOCIStream(f, rawLayer{blob: gz(f, layerTar(f, dir("a"), file("a/b", "x")))}, rawLayer{blob: gz(f, layerTar(f, whiteout("a/.wh.b")))}))
	f.Add(rawOCIStream(f, rawLayer{blob: layerTar(f, file("plain", "tar")), mediaType: "application/vnd.oci.image.layer.v1.tar"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := FromOCIStream(context.Background(), bytes.NewReader(data), Options{})
		if err == nil && a == nil {
			t.Fatal("no analysis and no error")
		}
	})
}

// FuzzParseDiveCI feeds arbitrary text as a .dive-ci file.
func FuzzParseDiveCI(f *testing.F) {
	f.Add("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n")
	f.Add("rules:\n  highestWastedBytes: disabled\n  maxSize: 19MiB\n")
	f.Add("rules: [")
	f.Fuzz(func(t *testing.T, text string) {
		r := DefaultRules()
		if err := r.ParseDiveCI(strings.NewReader(text)); err != nil {
			return
		}
		if r.Validate() == nil {
			r.Evaluate(&Analysis{Efficiency: 0.5, WastedBytes: 10, UserWastedRatio: 0.2, SizeBytes: 100, ReclaimableBytes: 5})
		}
	})
}
