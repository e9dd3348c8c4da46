package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"sort"
)

// runTrim is `mdshot trim [-pad N] [-colors N] IN.png OUT.png`: it crops a
// screenshot to what differs from its top-left pixel (the page background),
// keeping N pixels of background around it, so the window height need not be
// guessed, and stores it with a palette to keep the PNG small.
func runTrim(args []string) error {
	fs := flag.NewFlagSet("mdshot trim", flag.ContinueOnError)
	pad := fs.Int("pad", 16, "background `pixels` to keep around the content")
	colors := fs.Int("colors", 256, "reduce to this many `colors` (the most frequent; 0 keeps all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("usage: mdshot trim [-pad N] IN.png OUT.png")
	}
	in, out := fs.Arg(0), fs.Arg(1)
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("opening screenshot: %w", err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("decoding %s: %w", in, err)
	}
	cropped, err := Trim(img, *pad)
	if err != nil {
		return fmt.Errorf("trimming %s: %w", in, err)
	}
	if *colors > 0 {
		cropped = Reduce(cropped, *colors)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, cropped); err != nil {
		return fmt.Errorf("encoding %s: %w", out, err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

// Trim returns img cropped to the smallest rectangle holding every pixel
// unlike its top-left one, grown by pad pixels on each side (within img).
func Trim(img image.Image, pad int) (image.Image, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("empty image")
	}
	bg := color.RGBAModel.Convert(img.At(b.Min.X, b.Min.Y))
	box := image.Rectangle{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) != bg {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if box.Empty() {
		return nil, fmt.Errorf("nothing but background: did the page render?")
	}
	if box.Max.Y == b.Max.Y {
		return nil, fmt.Errorf("the content reaches the bottom edge: take a taller screenshot")
	}
	box = image.Rect(box.Min.X-pad, box.Min.Y-pad, box.Max.X+pad, box.Max.Y+pad).Intersect(b)
	dst := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	draw.Draw(dst, dst.Bounds(), img, box.Min, draw.Src)
	return dst, nil
}

// Reduce maps img onto a palette of its n most frequent colors, each pixel
// to the nearest of them (no dithering). A page screenshot has few colors
// besides anti-aliasing shades, so the loss is invisible and the PNG shrinks
// to about a third.
func Reduce(img image.Image, n int) *image.Paletted {
	b := img.Bounds()
	count := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	all := make([]color.RGBA, 0, len(count))
	for c := range count {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool {
		if count[all[i]] != count[all[j]] {
			return count[all[i]] > count[all[j]]
		}
		a, c := all[i], all[j] // a total order, so the palette is reproducible
		return uint32(a.R)<<24|uint32(a.G)<<16|uint32(a.B)<<8|uint32(a.A) <
			uint32(c.R)<<24|uint32(c.G)<<16|uint32(c.B)<<8|uint32(c.A)
	})
	if len(all) > n {
		all = all[:n]
	}
	pal := make(color.Palette, len(all))
	for i, c := range all {
		pal[i] = c
	}
	index := make(map[color.RGBA]uint8, len(count))
	out := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x-b.Min.X, y-b.Min.Y, i)
		}
	}
	return out
}
