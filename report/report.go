// Package report renders pxacl's answers for people and scripts: the
// `user permissions` layout of proxmox-backup-manager (docs/semantics.md
// §11), check results with PBS's error wording, and explanations.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Output formats, as proxmox-backup-manager names them.
const (
	Text       = "text"
	JSON       = "json"
	JSONPretty = "json-pretty"
	YAML       = "yaml"
)

// CheckFormat validates an --output-format value.
func CheckFormat(f string) error {
	switch f {
	case Text, JSON, JSONPretty, YAML:
		return nil
	}
	return fmt.Errorf("invalid output format '%s' (want text, json, json-pretty or yaml)", f)
}

// WriteJSON writes v compact (json), indented (json-pretty) or as YAML
// (yaml, the same fields as the JSON), newline terminated.
func WriteJSON(w io.Writer, format string, v any) error {
	var b []byte
	var err error
	if format == YAML {
		return writeYAML(w, v)
	}
	if format == JSONPretty {
		b, err = json.MarshalIndent(v, "", "  ")
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// Permissions is `user permissions` output: path -> privilege -> propagate.
type Permissions map[string]map[string]bool

// WriteText prints the layout of `proxmox-backup-manager user permissions`:
// a header line, a blank line, then per path (sorted byte-wise) its
// privileges (sorted byte-wise), "(*)" marking propagated ones.
func (p Permissions) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Privileges with (*) have the propagate flag set\n\n")
	for _, path := range sortedKeys(p) {
		privs := p[path]
		fmt.Fprintf(&b, "Path: %s\n", path)
		if len(privs) == 0 {
			b.WriteString("- NoAccess\n")
		}
		for _, priv := range sortedKeys(privs) {
			if privs[priv] {
				fmt.Fprintf(&b, "- %s (*)\n", priv)
			} else {
				fmt.Fprintf(&b, "- %s\n", priv)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MissingMessage is PBS's check_privs error text (§3.4):
// missing permissions 'A&B' on '/path' ('A|B' when any one suffices).
func MissingMessage(privs []string, path string, partial bool) string {
	sep := "&"
	if partial {
		sep = "|"
	}
	return fmt.Sprintf("missing permissions '%s' on '%s'", strings.Join(privs, sep), path)
}

// PVEDeniedMessage is PVE's raise_perm_exc text (docs/semantics.md pve §3.2):
// "Permission check failed (<path>, <priv>)" naming the first privilege,
// in the order asked, that is missing; with any, all of them joined by '|'.
func PVEDeniedMessage(requested, missing []string, path string, partial bool) string {
	if partial {
		return fmt.Sprintf("Permission check failed (%s, %s)", path, strings.Join(requested, "|"))
	}
	for _, p := range requested {
		if slices.Contains(missing, p) {
			return fmt.Sprintf("Permission check failed (%s, %s)", path, p)
		}
	}
	return fmt.Sprintf("Permission check failed (%s)", path)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// WritePVEText prints the layout of `pveum user permissions`: an
// "ACL path | Permissions" table (paths and privileges sorted, "(*)" for
// propagated ones, one privilege per line), then the propagate note.
func (p Permissions) WritePVEText(w io.Writer) error {
	type row struct{ path, perms []string }
	rows := []row{}
	wPath, wPerm := len("ACL path"), len("Permissions")
	for _, path := range sortedKeys(p) {
		var perms []string
		for _, priv := range sortedKeys(p[path]) {
			if p[path][priv] {
				priv += " (*)"
			}
			perms = append(perms, priv)
			wPerm = max(wPerm, len(priv))
		}
		if len(perms) == 0 {
			perms = []string{""} // pveum prints the path with an empty cell
		}
		wPath = max(wPath, len(path))
		rows = append(rows, row{[]string{path}, perms})
	}
	var b strings.Builder
	line := func(l, m, r, fill string) {
		fmt.Fprintf(&b, "%s%s%s%s%s\n", l, strings.Repeat(fill, wPath+2), m, strings.Repeat(fill, wPerm+2), r)
	}
	cell := func(a, c string) { fmt.Fprintf(&b, "│ %-*s │ %-*s │\n", wPath, a, wPerm, c) }
	line("┌", "┬", "┐", "─")
	cell("ACL path", "Permissions")
	line("╞", "╪", "╡", "═")
	for i, r := range rows {
		if i > 0 {
			line("├", "┼", "┤", "─")
		}
		for j, perm := range r.perms {
			path := ""
			if j == 0 {
				path = r.path[0]
			}
			cell(path, perm)
		}
	}
	line("└", "┴", "┘", "─")
	b.WriteString("Permissions marked with '(*)' have the 'propagate' flag set.\n")
	_, err := io.WriteString(w, b.String())
	return err
}
