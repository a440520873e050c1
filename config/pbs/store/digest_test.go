// Tests of digests.

package store

import (
	"strings"
	"testing"
)

func TestDigest(t *testing.T) {
	d := Digest(nil)
	if d != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatal(d)
	}
	tests := []struct {
		want, cur string
		err       string
	}{
		{"", d, ""},
		{d, d, ""},
		{strings.Repeat("0", 64), d, "detected modified configuration - file changed by other user? Try again."},
		{strings.ToUpper(d), d, "parameter 'digest'"},
		{"abc", d, "parameter 'digest'"},
	}
	for _, tt := range tests {
		err := CheckDigest(tt.want, tt.cur)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("CheckDigest(%q) = %v, want %q", tt.want, err, tt.err)
		}
	}
}
