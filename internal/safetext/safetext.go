// Package safetext makes untrusted values safe to show in an error, a log
// line, a Prometheus label or a terminal: invisible and control characters
// are escaped and long values are cut to a readable length with their size.
//
// Every message that quotes a value read from a config file, a request or
// the command line goes through Value, so a 5 MB property or an ESC
// sequence in acl.cfg can neither flood /health nor repaint the terminal.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRunes is how many characters of a value Value shows before cutting.
const MaxRunes = 64

// Value returns s with control, format (invisible) and invalid bytes
// escaped Go-style (\n, \x1b, \ufeff, \xff), cut after MaxRunes characters
// of the original; a cut value ends in "... (N bytes)". Printable text,
// including non-ASCII letters, is shown as is. No quotes are added.
func Value(s string) string {
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n == MaxRunes {
			fmt.Fprintf(&b, "... (%d bytes)", len(s))
			return b.String()
		}
		n++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
		}
		b.WriteString(escapeRune(r))
	}
	return b.String()
}

// Quote is Value in single quotes, the way pxacl's messages quote values.
func Quote(s string) string { return "'" + Value(s) + "'" }

func escapeRune(r rune) string {
	switch r {
	case '\\':
		return `\\`
	case '\'':
		return `\'`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
		return fmt.Sprintf(`\x%02x`, r)
	}
	if unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
		(unicode.IsSpace(r) && r != ' ') || !unicode.IsPrint(r) && r != ' ' {
		if r > 0xffff {
			return fmt.Sprintf(`\U%08x`, r)
		}
		return fmt.Sprintf(`\u%04x`, r)
	}
	return string(r)
}
