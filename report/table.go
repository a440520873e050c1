package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Column is a column of a box-drawn table; Right aligns numbers and
// booleans to the right, as proxmox-backup-manager does.
type Column struct {
	Name  string
	Right bool
}

// WriteTable prints rows as proxmox-backup-manager's default text table
// (box-drawing borders, a '═' rule under the header, a '─' rule between
// rows, widths in Unicode chars).
func WriteTable(w io.Writer, cols []Column, rows [][]string) error {
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(c.Name)
	}
	for _, r := range rows {
		for i := range cols {
			width[i] = max(width[i], utf8.RuneCountInString(r[i]))
		}
	}
	var b strings.Builder
	rule := func(l, fill, mid, r string) {
		b.WriteString(l)
		for i := range cols {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat(fill, width[i]+2))
		}
		b.WriteString(r + "\n")
	}
	line := func(cells []string, header bool) {
		b.WriteString("│")
		for i, c := range cols {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cells[i]))
			if c.Right && !header {
				b.WriteString(" " + pad + cells[i] + " │")
			} else {
				b.WriteString(" " + cells[i] + pad + " │")
			}
		}
		b.WriteString("\n")
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rule("┌", "─", "┬", "┐")
	line(names, true)
	rule("╞", "═", "╪", "╡")
	for i, r := range rows {
		if i > 0 {
			rule("├", "─", "┼", "┤")
		}
		line(r, false)
	}
	rule("└", "─", "┴", "┘")
	_, err := io.WriteString(w, b.String())
	return err
}
