package tfa

import "encoding/base32"

// b32 encodes secrets: RFC 4648 alphabet, no padding (§9).
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// b32Inv maps c-'0' (c upper-cased) to its 5-bit value; -1 is invalid. It
// is the table of the base32 crate (0.4) that proxmox-tfa uses, '=' (13)
// included: it decodes as 0, like 'A'.
var b32Inv = [43]int8{-1, -1, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1, 0, -1, -1, -1,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}

// decodeBase32 decodes an otpauth secret exactly as proxmox-tfa does with
// base32::decode(RFC4648 { padding: false }, s): ASCII only, letters of
// either case, up to six trailing '=' not counted, trailing bits that do
// not fill a byte ignored. ok is false for anything else.
func decodeBase32(s string) (out []byte, ok bool) {
	n := len(s)
	for i := 1; i <= min(6, len(s)); i++ {
		if s[len(s)-i] != '=' {
			break
		}
		n--
	}
	outLen := n * 5 / 8
	out = make([]byte, 0, (outLen+4)/5*5+5)
	for start := 0; start < len(s); start += 8 {
		var buf [8]byte
		for i := 0; i < 8 && start+i < len(s); i++ {
			c := s[start+i]
			if c >= 0x80 {
				return nil, false
			}
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			idx := int(c) - '0'
			if idx < 0 || idx >= len(b32Inv) || b32Inv[idx] < 0 {
				return nil, false
			}
			buf[i] = byte(b32Inv[idx])
		}
		out = append(out,
			buf[0]<<3|buf[1]>>2,
			buf[1]<<6|buf[2]<<1|buf[3]>>4,
			buf[3]<<4|buf[4]>>1,
			buf[4]<<7|buf[5]<<2|buf[6]>>3,
			buf[6]<<5|buf[7])
	}
	return out[:outLen], true
}
