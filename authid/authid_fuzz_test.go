package authid

import "testing"

// FuzzAuthid: Parse never panics, and String() of a parsed id re-parses to
// the same value (§6 Display).
func FuzzAuthid(f *testing.F) {
	for _, s := range []string{"john@pbs", "a@b@pbs", "us!er@pbs", "john@pbs!t", "john@pbs!", "@pbs", "x@y", "jo\u00a0hn@pbs", "root@pam"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", a.String(), s, err)
		}
		if a != b {
			t.Fatalf("re-parse differs: %+v vs %+v", a, b)
		}
		if a.String() != s {
			t.Fatalf("String() = %q, input %q", a.String(), s)
		}
		_, _ = ValidateSchema(s, a.IsToken())
		_, _ = ParseAny(s)
	})
}
