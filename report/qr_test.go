package report

import (
	"strings"
	"testing"
)

// TestWriteQR: the half-block drawing holds exactly the modules of the QR
// code (read back from the characters), in both colour schemes, with a
// light quiet zone.
func TestWriteQR(t *testing.T) {
	const uri = "otpauth://totp/Proxmox%20Backup%20Server:john%40pbs?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server"
	m, err := QRModules(uri)
	if err != nil {
		t.Fatal(err)
	}
	n := len(m)
	if (n-2*qrQuiet-17)%4 != 0 || n < 21+2*qrQuiet {
		t.Fatalf("%d modules is not a QR size plus the quiet zone", n)
	}
	for i := 0; i < n; i++ {
		for _, edge := range [][2]int{{0, i}, {i, 0}, {n - 1, i}, {i, n - 1}} {
			if m[edge[0]][edge[1]] {
				t.Fatalf("dark module in the quiet zone at %v", edge)
			}
		}
	}
	// finder pattern: the top-left 7x7 has a dark border
	if !m[qrQuiet][qrQuiet] || !m[qrQuiet+6][qrQuiet+6] || m[qrQuiet+1][qrQuiet+1] || !m[qrQuiet+3][qrQuiet+3] {
		t.Error("no finder pattern at the top left")
	}
	for _, light := range []bool{false, true} {
		var b strings.Builder
		if err := WriteQR(&b, uri, light); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != (n+1)/2 {
			t.Fatalf("%d lines for %d modules", len(lines), n)
		}
		for ly, line := range lines {
			cells := []rune(line)
			if len(cells) != n {
				t.Fatalf("line %d has %d cells, want %d", ly, len(cells), n)
			}
			for x, c := range cells {
				top := c == '█' || c == '▀'
				bottom := c == '█' || c == '▄'
				if top != (m[2*ly][x] == light) {
					t.Fatalf("light=%v: module (%d,%d) wrong", light, x, 2*ly)
				}
				if 2*ly+1 < n && bottom != (m[2*ly+1][x] == light) {
					t.Fatalf("light=%v: module (%d,%d) wrong", light, x, 2*ly+1)
				}
			}
		}
	}
}
