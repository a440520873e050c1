package pve

// Text fields (firstname, lastname, comments) are stored percent-encoded
// (docs/semantics.md pve §1.1): PVE::Tools::encode_text and decode_text.

import (
	"fmt"
	"strconv"
	"strings"
)

// DecodeText is PVE::Tools::decode_text (uri_unescape).
func DecodeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s)+0 && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// EncodeText is PVE::Tools::encode_text: every byte outside
// [\x20-\x24\x26-\x39\x3b-\x7e] as %XX.
func EncodeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c >= 0x20 && c <= 0x24) || (c >= 0x26 && c <= 0x39) || (c >= 0x3b && c <= 0x7e) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
