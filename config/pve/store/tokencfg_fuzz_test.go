package store

import (
	"maps"
	"testing"
)

// FuzzTokenCfg: parsing never panics, what is written parses back to the
// same secrets, and writing that again gives the same bytes.
func FuzzTokenCfg(f *testing.F) {
	f.Add([]byte("alice@pve!ci 0b5d3f6e-1c2a-4b8e-9f00-123456789abc\n"))
	f.Add([]byte("bad line here\n\n  \nroot@pam!x s\nroot@pam!x t\n"))
	f.Add([]byte("a@b!c d e\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, _ := ParseTokenCfg(raw)
		out := WriteTokenCfg(s)
		s2, skipped := ParseTokenCfg(out)
		if skipped != 0 || !maps.Equal(s, s2) {
			t.Fatalf("round trip of %q: %v -> %q -> %v (%d skipped)", raw, s, out, s2, skipped)
		}
		if string(WriteTokenCfg(s2)) != string(out) {
			t.Fatalf("writer not stable on %q", raw)
		}
	})
}
