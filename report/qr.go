package report

import (
	"image/color"
	"io"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrQuiet is the quiet zone around a terminal QR code, in modules (the
// standard asks for 4; 2 scans reliably on a screen and saves lines).
const qrQuiet = 2

// QRModules encodes content as a QR code (error correction M) and returns
// its modules, true = dark, with the quiet zone included.
func QRModules(content string) ([][]bool, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	b := code.Bounds()
	n := b.Dx() + 2*qrQuiet
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			gray := color.GrayModel.Convert(code.At(x, y)).(color.Gray)
			m[y-b.Min.Y+qrQuiet][x-b.Min.X+qrQuiet] = gray.Y < 0x80
		}
	}
	return m, nil
}

// WriteQR draws content as a QR code in a terminal with half-block
// characters, two rows of modules per line. By default light modules
// are drawn with the (light) text colour of a dark-background terminal;
// lightBackground draws dark modules instead.
func WriteQR(w io.Writer, content string, lightBackground bool) error {
	m, err := QRModules(content)
	if err != nil {
		return err
	}
	ink := func(y, x int) bool {
		if y >= len(m) {
			return false // below the last row: background
		}
		return m[y][x] == lightBackground
	}
	var b strings.Builder
	for y := 0; y < len(m); y += 2 {
		for x := range m[y] {
			top, bottom := ink(y, x), ink(y+1, x)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}
