package pbs

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSections(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []*Section
	}{
		// §5.1: header "type: id", properties "\tkey value".
		{"basic", "user: a@pbs\n\tcomment hello world\n", []*Section{
			{Type: "user", ID: "a@pbs", Line: 1, Props: []Prop{{"comment", "hello world", 2}}}}},
		// §5.1: type and id are trimmed; split at the FIRST ':'.
		{"header trim and first colon", "user :  a:b  \n", []*Section{{Type: "user", ID: "a:b", Line: 1}}},
		// §5.1: key is the first word, value the trimmed rest.
		{"value trimmed inner kept", "x: y\n   key    v  1  \n", []*Section{
			{Type: "x", ID: "y", Line: 1, Props: []Prop{{"key", "v  1", 2}}}}},
		// §5.1: "key " has a separator and an empty value.
		{"empty value", "x: y\n\tkey \n", []*Section{
			{Type: "x", ID: "y", Line: 1, Props: []Prop{{"key", "", 2}}}}},
		// §5.1: a blank or whitespace-only line ends a section; leading blank lines are skipped.
		{"blank lines", "\n \t\nx: a\n\tk v\n \t \ny: b\n\n\n", []*Section{
			{Type: "x", ID: "a", Line: 3, Props: []Prop{{"k", "v", 4}}},
			{Type: "y", ID: "b", Line: 6}}},
		// §2.1/§5.1: str::lines() handles "\r\n".
		{"crlf", "x: a\r\n\tk v\r\n\r\ny: b\r\n", []*Section{
			{Type: "x", ID: "a", Line: 1, Props: []Prop{{"k", "v", 2}}},
			{Type: "y", ID: "b", Line: 4}}},
		{"empty", "", nil},
		// §5.1: first char alphabetic (Unicode).
		{"unicode type", "ä: b\n", []*Section{{Type: "ä", ID: "b", Line: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSections("f.cfg", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %s, want %s", dumpSections(got), dumpSections(tc.want))
			}
		})
	}
}

func dumpSections(ss []*Section) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Type + "|" + s.ID + "|")
		for _, p := range s.Props {
			b.WriteString(p.Key + "=" + p.Value + ";")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestParseSectionsErrors(t *testing.T) {
	tests := []struct {
		name, in, prefix, value string
	}{
		// §5.1: no comments.
		{"comment line", "# hello\nuser: a@pbs\n", "f.cfg:1:", "'# hello'"},
		{"comment in section", "user: a@pbs\n#x\n", "f.cfg:2:", "'#x'"},
		// §5.1: a property outside a section.
		{"property first", "\tcomment x\n", "f.cfg:1:", "'comment x'"},
		{"property after blank", "x: y\n\n\tk v\n", "f.cfg:3:", "'k v'"},
		// §5.1: header must start with an alphabetic char and contain ':'.
		{"bad header", "1x: y\n", "f.cfg:1:", "'1x: y'"},
		{"header without colon", "user a@pbs\n", "f.cfg:1:", "'user a@pbs'"},
		{"empty id", "user:\n", "f.cfg:1:", "'user:'"},
		// §5.1: a header directly after properties (no blank line).
		{"header inside section", "x: y\n\tk v\nz: w\n", "f.cfg:3:", "'z: w'"},
		// §5.1: key without value separator.
		{"missing value", "x: y\n\tcomment\n", "f.cfg:2:", "'comment'"},
		// §5.1: duplicate key.
		{"duplicate key", "x: y\n\tk 1\n\tk 2\n", "f.cfg:3:", "'k'"},
		// duplicate section id.
		{"duplicate id", "x: y\n\nz: y\n", "f.cfg:3:", "'y'"},
		// §5.1: control characters.
		{"control in value", "x: y\n\tk a\x01b\n", "f.cfg:2:", "a\\x01b"},
		{"tab in value", "x: y\n\tk a\tb\n", "f.cfg:2:", "a\\tb"},
		{"control in id", "x: y\x7f\n", "f.cfg:1:", "y\\x7f"},
		{"invalid utf8", "x: y\xff\n", "f.cfg:1:", "\\xff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSections("f.cfg", []byte(tc.in))
			checkErr(t, err, tc.prefix, tc.value)
		})
	}
}

func TestWriteSections(t *testing.T) {
	// §5.1: one blank line between sections, "\tkey value", no trailing blank line.
	in := []*Section{
		{Type: "user", ID: "a@pbs", Props: []Prop{{Key: "comment", Value: "x y"}}},
		{Type: "user", ID: "b@pbs"},
		{Type: "token", ID: "b@pbs!t", Props: []Prop{{Key: "enable", Value: "false"}, {Key: "expire", Value: "1"}}},
	}
	want := "user: a@pbs\n\tcomment x y\n\nuser: b@pbs\n\ntoken: b@pbs!t\n\tenable false\n\texpire 1\n"
	if got := string(WriteSections(in)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := WriteSections(nil); len(got) != 0 {
		t.Errorf("empty: got %q", got)
	}
}
