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
)

// runTrim is `mdshot trim [-pad N] IN.png OUT.png`: it crops a screenshot to
// what differs from its top-left pixel (the page background), keeping N
// pixels of background around it, so the window height need not be guessed.
func runTrim(args []string) error {
	fs := flag.NewFlagSet("mdshot trim", flag.ContinueOnError)
	pad := fs.Int("pad", 16, "background `pixels` to keep around the content")
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
	box = image.Rect(box.Min.X-pad, box.Min.Y-pad, box.Max.X+pad, box.Max.Y+pad).Intersect(b)
	dst := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	draw.Draw(dst, dst.Bounds(), img, box.Min, draw.Src)
	return dst, nil
}
