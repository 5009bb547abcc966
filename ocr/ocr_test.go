package ocr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/png"
	"testing"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a valid PNG header that claims a picture of w×h pixels
// followed by almost no data: decoding it would allocate w×h×4 bytes.
func bombPNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(kind string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		buf.WriteString(kind)
		buf.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return buf.Bytes()
}

func animatedGIF(t *testing.T) []byte {
	t.Helper()
	frame := func(c uint8) *image.Paletted {
		img := image.NewPaletted(image.Rect(0, 0, 8, 8), palette.Plan9)
		img.SetColorIndex(1, 1, c)
		return img
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame(1), frame(2)}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func stillGIF(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.White, color.Black})
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeRefusesWhatIsNotAScreenshot(t *testing.T) {
	engine := New(Config{MaxBytes: 1 << 20, MaxPixels: 4000 * 4000})
	valid := pngOf(t, 100, 200)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"decompression bomb (100000×100000 in 70 bytes)", bombPNG(100000, 100000), ErrTooLarge},
		{"over the pixel limit", bombPNG(4001, 4000), ErrTooLarge},
		{"over the byte limit", append(append([]byte(nil), valid...), make([]byte, 1<<20)...), ErrTooLarge},
		{"truncated PNG", valid[:len(valid)/2], ErrCorrupt},
		{"PNG header, garbage after", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 64)...), ErrCorrupt},
		{"animated GIF", animatedGIF(t), ErrAnimated},
		{"animated PNG", append(append(append([]byte(nil), valid[:33]...), []byte("\x00\x00\x00\x08acTL\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00")...), valid[33:]...), ErrAnimated},
		{"text file", []byte("您好，我是淘宝客服"), ErrUnsupported},
		{"PDF", []byte("%PDF-1.7\n1 0 obj\n"), ErrUnsupported},
		{"empty", nil, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := engine.Decode(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, want %v", err, tt.want)
			}
			if img != nil {
				t.Errorf("an image came back with the error")
			}
		})
	}
	for name, data := range map[string][]byte{"PNG": valid, "still GIF": stillGIF(t)} {
		if _, err := engine.Decode(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t500\t300\t-1\t\n" +
		"4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t20\t100\t40\t96.5\t您好\n" +
		"5\t1\t1\t1\t1\t2\t120\t20\t60\t40\t91\tATM\n" +
		"5\t1\t1\t1\t2\t1\t10\t70\t60\t40\t95\t \n"
	words, err := ParseTSV([]byte(tsv))
	if err != nil {
		t.Fatal(err)
	}
	if len(words) != 2 || words[0].Text != "您好" || words[1].Box != image.Rect(120, 20, 180, 60) || words[1].Confidence != 91 || words[1].Line != 1 {
		t.Fatalf("ParseTSV = %+v", words)
	}
	if got := MeanConfidence(words); got < 93 || got > 94 {
		t.Errorf("MeanConfidence = %.2f, want (96.5*2+91*3)/5 = 93.2", got)
	}
	if _, err := ParseTSV([]byte("h\n5\t1\t1\t1\t1\t1\tx\t20\t100\t40\t96\tbad\n")); err == nil {
		t.Error("a non-numeric box was accepted")
	}
}

func TestMissingTesseractIsNotInstalled(t *testing.T) {
	engine := New(Config{Command: "/nonexistent/tesseract"})
	if err := engine.Check(t.Context()); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Check = %v, want ErrNotInstalled", err)
	}
	if _, err := engine.Words(t.Context(), image.NewGray(image.Rect(0, 0, 10, 10)), Auto); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Words = %v, want ErrNotInstalled", err)
	}
}
