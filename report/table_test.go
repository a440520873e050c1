package report

import (
	"strings"
	"testing"
)

// The seed's `proxmox-backup-manager user list` output.
func TestWriteTable(t *testing.T) {
	want := `┌──────────┬────────┬────────┬───────────┬──────────┬──────────────────┬──────────────────┐
│ userid   │ enable │ expire │ firstname │ lastname │ email            │ comment          │
╞══════════╪════════╪════════╪═══════════╪══════════╪══════════════════╪══════════════════╡
│ john@pbs │      1 │        │ John      │ Smith    │ john@example.com │ An example user. │
├──────────┼────────┼────────┼───────────┼──────────┼──────────────────┼──────────────────┤
│ root@pam │      1 │        │           │          │                  │ Superuser        │
└──────────┴────────┴────────┴───────────┴──────────┴──────────────────┴──────────────────┘
`
	cols := []Column{{"userid", false}, {"enable", true}, {"expire", true}, {"firstname", false}, {"lastname", false}, {"email", false}, {"comment", false}}
	rows := [][]string{
		{"john@pbs", "1", "", "John", "Smith", "john@example.com", "An example user."},
		{"root@pam", "1", "", "", "", "", "Superuser"},
	}
	var b strings.Builder
	if err := WriteTable(&b, cols, rows); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
