package pve

// The lexical rules of user.cfg (docs/semantics.md pve §1.1): Perl's split on
// ':', split_list, \s and truthiness.

import (
	"regexp"
	"strings"

	"github.com/pxacl/pxacl/pveid"
)

// perlSpace is Perl's \s on the bytes PVE reads.
const perlSpace = pveid.PerlSpace

var (
	listSeparators = strings.NewReplacer(",", " ", ";", " ")
	listSpace      = regexp.MustCompile(`[` + perlSpace + `]+`)
)

// splitList is PVE::Tools::split_list.
func splitList(s string) []string {
	if strings.Contains(s, "\x00") {
		return strings.Split(s, "\x00")
	}
	s = listSeparators.Replace(s)
	s = strings.TrimLeft(s, perlSpace)
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, perlSpace) {
		return []string{s} // one item: the common case
	}
	return listSpace.Split(s, -1)
}

// decodeIf decodes a text field PVE stores only when it is truthy.
func decodeIf(s string) string {
	if !truthy(s) {
		return ""
	}
	return DecodeText(s)
}

func ifTruthy(s string) string {
	if !truthy(s) {
		return ""
	}
	return s
}

// truthy is Perl truthiness of a field.
func truthy(s string) bool { return s != "" && s != "0" }

// perlTrim trims Perl's \s.
func perlTrim(s string) string { return strings.Trim(s, perlSpace) }

// splitFields is Perl split(/:/, $line) with trailing empty fields dropped,
// each field trimmed.
func splitFields(line string) []string {
	f := strings.Split(line, ":")
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	for i := range f {
		f[i] = perlTrim(f[i])
	}
	return f
}

func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// SplitList is PVE::Tools::split_list, for the lists pveum takes
// (--groups, --privs, --users ...): commas, semicolons and whitespace
// separate the items.
func SplitList(s string) []string { return splitList(s) }
