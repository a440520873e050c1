package uuid

import (
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u, err := New()
		if err != nil || len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) || strings.ToLower(u) != u ||
			u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' {
			t.Fatalf("New = %q, %v", u, err)
		}
		if seen[u] {
			t.Fatalf("New repeated %q", u)
		}
		seen[u] = true
	}
}
