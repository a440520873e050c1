// acl.cfg lines for explain: the bundle holds none, the compiled
// configuration does.

package evaluator

import (
	"fmt"
	"strings"

	"github.com/pxacl/pxacl/compiler"
)

// addLines names the acl.cfg (PVE: user.cfg) line of each role that x
// reports, from the compiled document d. The bundle that OPA decides on
// holds no line numbers (docs/benchmarks.md, "Stock OPA: data layout for
// sidecars"), so an explanation from a bundle file has none; one from a
// configuration gets them here. A role whose line is unknown keeps none.
func addLines(x *Explanation, d *compiler.Document) {
	if d == nil {
		return
	}
	line := func(path, subject, via, role string) string {
		acl := d.ACL
		if g, ok := groupOf(via); ok {
			acl, subject = d.GroupACL, g
		}
		e := acl[path][subject]
		if e == nil || e.Lines[role] == 0 {
			return ""
		}
		return fmt.Sprintf("%s:%d", d.Meta.ACLFile, e.Lines[role])
	}
	for _, r := range []*SubjectReport{&x.ACL, x.OwnerACL} {
		if r == nil {
			continue
		}
		for i := range r.Entries {
			en := &r.Entries[i]
			for j := range en.Roles {
				en.Roles[j].Line = line(en.Path, r.Subject, en.Via, en.Roles[j].Role)
			}
		}
	}
	for i := range x.Grants {
		for j := range x.Grants[i].Sources {
			s := &x.Grants[i].Sources[j]
			if !s.Superuser {
				s.Line = line(s.Path, s.Subject, s.Via, s.Role)
			}
		}
	}
}

// groupOf is the group of a PVE "via" that names one ("group @g", also
// after a pool: "pool p, group @g").
func groupOf(via string) (string, bool) {
	if i := strings.LastIndex(via, "group @"); i >= 0 {
		return via[i+len("group @"):], true
	}
	return "", false
}
