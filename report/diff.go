package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/permdiff"
)

// WriteDiff renders the result of `pxacl diff` for people: per identity
// and path the privileges gained (+, flagged ESCALATION) and lost (-),
// with the ACL lines responsible, then a summary line.
func WriteDiff(w io.Writer, r *permdiff.Result) error {
	var b strings.Builder
	if len(r.Changes) == 0 {
		fmt.Fprintf(&b, "No effective permission changes (%s, %s).\n",
			Count(r.Summary.Identities, "identity", "identities"), Count(r.Summary.Paths, "path", ""))
		_, err := io.WriteString(w, b.String())
		return err
	}
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "%s on %s\n", c.AuthID, c.Path)
		for _, p := range c.Gained {
			esc := ""
			if slices.Contains(c.Escalations, p) {
				esc = "  ESCALATION"
			}
			fmt.Fprintf(&b, "  + %s%s\n", p, esc)
		}
		for _, p := range c.Lost {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
		for _, l := range c.GainedBy {
			fmt.Fprintf(&b, "  gained by NEW %s\n", l)
		}
		for _, l := range c.LostBy {
			fmt.Fprintf(&b, "  lost by OLD %s\n", l)
		}
	}
	s := r.Summary
	fmt.Fprintf(&b, "\n%s: %s gained (%s), %d lost; %d of %s evaluated, %s\n",
		Count(s.Changes, "change", ""), Count(s.Gained, "privilege", ""), Count(s.Escalations, "escalation", ""), s.Lost,
		s.Evaluated, Count(s.Identities, "identity", "identities"), Count(s.Paths, "path", ""))
	_, err := io.WriteString(w, b.String())
	return err
}
