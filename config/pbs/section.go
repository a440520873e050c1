package pbs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pxacl/pxacl/internal/safetext"
)

// ParseSections reads a section-config file (user.cfg, domains.cfg) with
// the default proxmox-section-config syntax (§5.1):
//
//   - a header line starts with an alphabetic char and is split at the
//     first ':' into type and id (both trimmed);
//   - a property line starts with whitespace; the key is the first word,
//     the value the trimmed rest; a key without a value separator is an
//     error;
//   - a blank or whitespace-only line ends the section;
//   - there are no comments; a property outside a section, a duplicate key
//     in a section, a duplicate section id and control characters are
//     errors.
//
// Types and keys are not checked here; see ParseUserCfg and
// ParseDomainsCfg. Errors are *ParseError.
func ParseSections(file string, data []byte) ([]*Section, error) {
	var (
		out   []*Section
		cur   *Section
		ids   = map[string]struct{}{}
		perr  *ParseError
		isEnd = func(line string) bool { return strings.TrimSpace(line) == "" }
	)
	splitLines(data, func(n int, raw []byte) bool {
		if !utf8.Valid(raw) {
			perr = errorf(file, n, string(raw), "invalid UTF-8: %s", safetext.Quote(string(raw)))
			return false
		}
		line := string(raw)
		if isEnd(line) {
			cur = nil // a blank line ends the section
			return true
		}
		first, _ := utf8.DecodeRuneInString(line)
		if first == '#' {
			perr = errorf(file, n, line, "comments are not allowed: %s", safetext.Quote(line))
			return false
		}
		if cur == nil {
			if unicode.IsSpace(first) {
				perr = errorf(file, n, strings.TrimSpace(line), "property outside of a section: '%s'", strings.TrimSpace(line))
				return false
			}
			typ, id, ok := parseHeader(line)
			if !ok {
				perr = errorf(file, n, line, "syntax error (expected header): %s", safetext.Quote(line))
				return false
			}
			if hasControl(typ) || hasControl(id) {
				perr = errorf(file, n, line, "control character in section header: %s", safetext.Quote(line))
				return false
			}
			if id == "" {
				perr = errorf(file, n, line, "empty section id: %s", safetext.Quote(line))
				return false
			}
			if _, dup := ids[id]; dup {
				perr = errorf(file, n, id, "duplicate section id %s", safetext.Quote(id))
				return false
			}
			ids[id] = struct{}{}
			cur = &Section{Type: typ, ID: id, Line: n}
			out = append(out, cur)
			return true
		}
		if !unicode.IsSpace(first) {
			perr = errorf(file, n, line, "syntax error (expected section properties, or a blank line before the next section): %s", safetext.Quote(line))
			return false
		}
		key, value, ok := parseProperty(line)
		if !ok {
			perr = errorf(file, n, key, "missing value for property %s", safetext.Quote(key))
			return false
		}
		if hasControl(key) || hasControl(value) {
			perr = errorf(file, n, value, "control character in property %s: %s", safetext.Quote(key), safetext.Quote(value))
			return false
		}
		for _, p := range cur.Props { // sections are small: a scan beats a map
			if p.Key == key {
				perr = errorf(file, n, key, "duplicate property %s in section %s", safetext.Quote(key), safetext.Quote(cur.ID))
				return false
			}
		}
		cur.Props = append(cur.Props, Prop{Key: key, Value: value, Line: n})
		return true
	})
	if perr != nil {
		return nil, perr
	}
	return out, nil
}

// parseHeader splits "type: id" like default_parse_section_header: the
// first char must be alphabetic, the split is at the first ':'.
func parseHeader(line string) (typ, id string, ok bool) {
	first, _ := utf8.DecodeRuneInString(line)
	if !isAlphabetic(first) {
		return "", "", false
	}
	typ, id, ok = strings.Cut(line, ":")
	if !ok {
		return "", "", false
	}
	typ, id = strings.TrimSpace(typ), strings.TrimSpace(id)
	return typ, id, typ != ""
}

// parseProperty splits "<ws>key<ws>value" like
// default_parse_section_content. ok is false when the key has no value
// separator; the value may then be empty after trimming ("\tkey " gives an
// empty value, as in PBS).
func parseProperty(line string) (key, value string, ok bool) {
	rest := strings.TrimLeftFunc(line, unicode.IsSpace)
	i := strings.IndexFunc(rest, unicode.IsSpace)
	if i < 0 {
		return rest, "", false
	}
	_, size := utf8.DecodeRuneInString(rest[i:])
	return rest[:i], strings.TrimSpace(rest[i+size:]), true
}

// isAlphabetic matches Rust's char::is_alphabetic (Unicode Alphabetic).
func isAlphabetic(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// hasControl reports a Unicode Cc character (Rust char::is_control).
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// WriteSections writes sections in the PBS format (§5.1): "type: id\n",
// then "\tkey value\n" per property in the given order; sections are
// separated by one blank line and there is no trailing blank line.
func WriteSections(sections []*Section) []byte {
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s.Type)
		b.WriteString(": ")
		b.WriteString(s.ID)
		b.WriteByte('\n')
		for _, p := range s.Props {
			b.WriteByte('\t')
			b.WriteString(p.Key)
			b.WriteByte(' ')
			b.WriteString(p.Value)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}
