package main

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	src := "### Title `code`\n\n| a | b |\n|---|--:|\n| 1 | ~~2~~ |\n\n- [x] done\n- [ ] open\n\n" +
		"<details><summary>More</summary>\n\nhidden\n\n</details>\n"
	tests := []struct {
		name string
		opt  Options
		want []string
		not  []string
	}{
		{"gfm", Options{Author: "plimsoll-bot"}, []string{
			"<h3>Title <code>code</code></h3>", "<table>", `<th style="text-align:right">b</th>`,
			"<del>2</del>", `<input checked="" disabled="" type="checkbox"`, "<details><summary>More</summary>",
			"<strong>plimsoll-bot</strong>",
		}, []string{"<script>", "http://", "https://"}},
		{"open", Options{Author: "x", Open: true}, []string{"d.open = true"}, nil},
		{"author escaped", Options{Author: "<b>&"}, []string{"<strong>&lt;b&gt;&amp;</strong>"}, []string{"<strong><b>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := Render([]byte(src), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			s := string(page)
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("page lacks %q:\n%s", w, s)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(s, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
}

func TestTrim(t *testing.T) {
	white := color.RGBA{255, 255, 255, 255}
	canvas := func(mark image.Rectangle) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 100, 80))
		for y := 0; y < 80; y++ {
			for x := 0; x < 100; x++ {
				c := white
				if (image.Point{x, y}).In(mark) {
					c = color.RGBA{10, 20, 30, 255}
				}
				img.SetRGBA(x, y, c)
			}
		}
		return img
	}
	tests := []struct {
		name    string
		mark    image.Rectangle
		pad     int
		want    image.Point // size
		wantErr string
	}{
		{"padded", image.Rect(20, 10, 30, 40), 5, image.Pt(20, 40), ""},
		{"pad clipped", image.Rect(2, 2, 10, 10), 5, image.Pt(15, 15), ""},
		{"blank", image.Rectangle{}, 5, image.Point{}, "nothing but background"},
		{"too short", image.Rect(20, 10, 30, 80), 5, image.Point{}, "taller screenshot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Trim(canvas(tt.mark), tt.pad)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds().Size() != tt.want {
				t.Errorf("size = %v, want %v", got.Bounds().Size(), tt.want)
			}
		})
	}
}

func TestReduce(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 25), uint8(y * 25), 0, 255})
		}
	}
	p := Reduce(img, 16)
	if len(p.Palette) != 16 {
		t.Fatalf("palette has %d colors, want 16", len(p.Palette))
	}
	// A color in the palette is kept exactly.
	c := color.RGBAModel.Convert(p.Palette[0]).(color.RGBA)
	found := false
	for y := 0; y < 10 && !found; y++ {
		for x := 0; x < 10 && !found; x++ {
			if img.RGBAAt(x, y) == c {
				found = color.RGBAModel.Convert(p.At(x, y)) == c
			}
		}
	}
	if !found {
		t.Errorf("palette color %v not kept", c)
	}
}

func TestANSIToHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain <tag> & text", "plain &lt;tag&gt; &amp; text"},
		{"\x1b[1mbold\x1b[0m rest", `<span class="b">bold</span> rest`},
		{"\x1b[1;33mwarn\x1b[0m", `<span class="b c33">warn</span>`},
		{"\x1b[2m  7 |\x1b[0m FROM x", `<span class="d">  7 |</span> FROM x`},
		{"\x1b[31mred\x1b[1mbold red\x1b[22m red", `<span class="c31">red</span><span class="b c31">bold red</span><span class="c31"> red</span>`},
		{"\x1b[2Kcleared\x1b[m", "cleared"},
		{"\x1b[33munterminated", `<span class="c33">unterminated</span>`},
	}
	for _, tt := range tests {
		if got := string(ANSIToHTML(tt.in)); got != tt.want {
			t.Errorf("ANSIToHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
