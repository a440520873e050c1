package safetext

import (
	"strings"
	"testing"
)

func TestValue(t *testing.T) {
	long := strings.Repeat("a", 5<<20)
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Datastore.Backup", "Datastore.Backup"},
		{"non-ASCII letters", "jürgen@pbs", "jürgen@pbs"},
		{"BOM", "\ufeffacl", `\ufeffacl`},
		{"ESC sequence", "\x1b[2Jx", `\x1b[2Jx`},
		{"newline and tab", "a\nb\tc", `a\nb\tc`},
		{"quote and backslash", `a'b\c`, `a\'b\\c`},
		{"C1 control", "a\u0085b", `a\x85b`},
		{"zero width and bidi", "a\u200bb\u202ec", `a\u200bb\u202ec`},
		{"invalid UTF-8", "a\xffb", `a\xffb`},
		{"no-break space", "a\u00a0b", `a\u00a0b`},
		{"at the limit", strings.Repeat("x", MaxRunes), strings.Repeat("x", MaxRunes)},
		{"cut", strings.Repeat("x", MaxRunes+1), strings.Repeat("x", MaxRunes) + "... (65 bytes)"},
		{"5 MB", long, strings.Repeat("a", MaxRunes) + "... (5242880 bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Value(tc.in); got != tc.want {
				t.Errorf("Value(%.40q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := Quote("x\x00"); got != `'x\x00'` {
		t.Errorf("Quote = %q", got)
	}
}

func FuzzValue(f *testing.F) {
	for _, s := range []string{"", "abc", "\ufeff", "\x1b[0m", "\xff\xfe", strings.Repeat("é", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Value(s)
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character %U in %q", r, v)
			}
		}
		if len(v) > 4*10*MaxRunes+40 {
			t.Fatalf("shown value too long: %d bytes", len(v))
		}
	})
}
