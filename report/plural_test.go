package report

import (
	"strings"
	"testing"

	"github.com/pxacl/pxacl/lint"
	"github.com/pxacl/pxacl/permdiff"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n           int
		one, plural string
		want        string
	}{
		{0, "test", "", "0 tests"}, {1, "test", "", "1 test"}, {2, "info", "", "2 infos"},
		{1, "identity", "identities", "1 identity"}, {3, "identity", "identities", "3 identities"},
	} {
		if got := Count(tc.n, tc.one, tc.plural); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.one, got, tc.want)
		}
	}
}

func TestWriteLintPlurals(t *testing.T) {
	var b strings.Builder
	if err := WriteLint(&b, &lint.Result{Infos: 1}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "0 findings: 0 errors, 0 warnings, 1 info\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWriteDiffPlurals(t *testing.T) {
	var b strings.Builder
	r := &permdiff.Result{Changes: []permdiff.Change{{AuthID: "a@pbs", Path: "/", Gained: []string{"Sys.Audit"}}}}
	r.Summary.Changes, r.Summary.Gained, r.Summary.Evaluated, r.Summary.Identities, r.Summary.Paths = 1, 1, 1, 1, 1
	if err := WriteDiff(&b, r); err != nil {
		t.Fatal(err)
	}
	if want := "1 change: 1 privilege gained (0 escalations), 0 lost; 1 of 1 identity evaluated, 1 path\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("got %q, want suffix %q", b.String(), want)
	}
}
