package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/pxacl/pxacl/whocan"
)

// grantText renders deciding entries: "/path: Role (acl.cfg:N), ...".
func grantText(gs []whocan.Grant) string {
	var parts []string
	for _, gr := range gs {
		var roles []string
		for _, r := range gr.Roles {
			s := r.Role + " (" + r.Line
			if !r.Propagate {
				s += ", no propagate"
			}
			roles = append(roles, s+")")
		}
		via := ""
		if gr.Via != "" {
			via = " via " + gr.Via
		}
		parts = append(parts, gr.Path+via+": "+strings.Join(roles, ", "))
	}
	if len(parts) == 0 {
		return "(no entry)"
	}
	return strings.Join(parts, "; ")
}

// WriteWhoCan renders the holders of a privilege for people: a header
// with the counts, then each holder with the entries that give it.
func WriteWhoCan(w io.Writer, r *whocan.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s: %s (%d of %s evaluated; (*) = propagates)\n", r.Privilege, r.Path,
		Count(len(r.Holders), "holder", ""), r.Candidates, Count(r.Identities, "identity", "identities"))
	for _, h := range r.Holders {
		how := grantText(h.Grants)
		if h.Superuser {
			how = "superuser"
		}
		if h.Privsep != nil && !*h.Privsep {
			how = "privsep 0: its owner's privileges, own ACL ignored"
		}
		if h.Token {
			owner := grantText(h.Owners)
			if h.OwnerSU {
				owner = "superuser"
			}
			how += "; owner " + h.Owner + ": " + owner
		}
		prop := ""
		if h.Propagate {
			prop = " (*)"
		}
		fmt.Fprintf(&b, "  %s%s\n      %s\n", h.AuthID, prop, how)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
