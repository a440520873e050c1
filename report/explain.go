package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pxacl/pxacl/evaluator"
)

// WriteExplanation prints an explanation for people: the verdict, the
// account state, every ACL entry on the path with its acl.cfg line and
// what it did, the token clamp, and what is missing.
func WriteExplanation(w io.Writer, x *evaluator.Explanation) error {
	var b strings.Builder
	path := "?"
	if x.Path != nil {
		path = *x.Path
	}
	verdict := "DENIED"
	if x.Allowed {
		verdict = "ALLOWED"
	}
	mode := "all of"
	if x.Partial {
		mode = "any of"
	}
	if x.Listing {
		fmt.Fprintf(&b, "PRIVILEGES of %v on %s (no privilege asked: every effective privilege and what grants it)\n", x.AuthID, path)
	} else {
		fmt.Fprintf(&b, "%s: %v on %s, %s [%s]\n", verdict, x.AuthID, path, mode, strings.Join(x.Requested, ", "))
	}
	if x.PathProblem != nil {
		fmt.Fprintf(&b, "  %s; it is denied\n", *x.PathProblem)
	} else if !x.InputOK && !x.Listing {
		b.WriteString("  the query is malformed (auth id, path and at least one privilege are required); it is denied\n")
	}

	b.WriteString("\nAccount:\n")
	switch {
	case x.Active.Active:
		fmt.Fprintf(&b, "  active%s\n", tokenNote(x))
	case !x.Known:
		fmt.Fprintf(&b, "  unknown%s: %s; it is denied\n", tokenNote(x), NoSuchMessage(fmt.Sprint(x.AuthID), x.Token))
		for _, p := range x.Active.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	default:
		fmt.Fprintf(&b, "  NOT active%s: user account or token disabled or expired (docs/semantics.md §4.2)\n", tokenNote(x))
		for _, p := range x.Active.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}

	pve := x.Flavor == "pve"
	switch {
	case x.Superuser:
		b.WriteString("\nroot@pam is the superuser: every privilege on every path, whatever acl.cfg says (docs/semantics.md §3.4)\n")
	case pve && x.Token:
		writePVEToken(&b, x, path)
	default:
		title := "ACL entries"
		if x.Token {
			title = "The token's own ACL entries (a token does not inherit its owner's entries, docs/semantics.md §4.1)"
		}
		writeSubject(&b, title, path, &x.ACL, inheritRef(pve))
		if x.Token && x.OwnerACL != nil {
			if x.OwnerACL.Superuser {
				fmt.Fprintf(&b, "\nOwner %s is the superuser: the token keeps its own privileges\n", x.OwnerACL.Subject)
			} else {
				writeSubject(&b, fmt.Sprintf("Owner %s's ACL entries (the token is clamped to them at the same path, docs/semantics.md §4.1)", x.OwnerACL.Subject), path, x.OwnerACL, inheritRef(pve))
			}
			if len(x.Clamped) > 0 {
				fmt.Fprintf(&b, "\nToken clamp: dropped %s (granted to the token but not held by its owner on %s)\n", strings.Join(x.Clamped, ", "), path)
			} else {
				b.WriteString("\nToken clamp: nothing dropped\n")
			}
		}
	}
	for _, g := range x.Groups {
		fmt.Fprintf(&b, "\nNote: group entry @%s on %s (%s) grants nothing: PBS has no user groups (docs/semantics.md §3.5)\n", g.Group, g.Path, strings.Join(g.Roles, ", "))
	}

	writeTFA(&b, x.TFA)

	if x.Listing {
		writeGrants(&b, x.Grants, path)
	} else {
		fmt.Fprintf(&b, "\nEffective privileges on %s: %s\n", path, privList(x.Privileges))
	}
	if len(x.Missing) > 0 {
		fmt.Fprintf(&b, "Missing: %s\n", strings.Join(x.Missing, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writePVEToken explains a PVE API token (docs/semantics.md pve §3.2): with
// privilege separation its own ACL intersected with its owner's privileges,
// without it exactly its owner's privileges.
func writePVEToken(b *strings.Builder, x *evaluator.Explanation, path string) {
	switch {
	case x.Privsep == nil:
		b.WriteString("\nThe token is not configured in user.cfg: it has no privileges (docs/semantics.md pve §3.2)\n")
	case *x.Privsep:
		writeSubject(b, "The token's own ACL entries (privilege-separated token, privsep 1: its own ACL, limited to its owner's privileges, docs/semantics.md pve §3.2)", path, &x.ACL, inheritRef(true))
		writePVEOwner(b, x, path, "the token is limited to them, pools included")
		if len(x.Clamped) > 0 {
			fmt.Fprintf(b, "\nPrivilege separation: dropped %s (granted to the token but not held by its owner on %s)\n", strings.Join(x.Clamped, ", "), path)
		} else {
			b.WriteString("\nPrivilege separation: nothing dropped\n")
		}
	default:
		if len(x.ACL.Entries) > 0 {
			fmt.Fprintf(b, "\nToken without privilege separation (privsep 0): it has exactly its owner's privileges; its own %d ACL entr%s on the path %s ignored (docs/semantics.md pve §3.2)\n",
				len(x.ACL.Entries), plural(len(x.ACL.Entries), "y", "ies"), plural(len(x.ACL.Entries), "is", "are"))
		} else {
			b.WriteString("\nToken without privilege separation (privsep 0): it has exactly its owner's privileges (docs/semantics.md pve §3.2)\n")
		}
		writePVEOwner(b, x, path, "the token's privileges")
	}
}

func writePVEOwner(b *strings.Builder, x *evaluator.Explanation, path, role string) {
	switch {
	case x.OwnerACL == nil:
	case x.OwnerACL.Superuser:
		fmt.Fprintf(b, "\nOwner %s is the superuser: every privilege on every path\n", x.OwnerACL.Subject)
	default:
		writeSubject(b, fmt.Sprintf("Owner %s's ACL entries (%s, docs/semantics.md pve §3.2)", x.OwnerACL.Subject, role), path, x.OwnerACL, inheritRef(true))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// inheritRef cites the rule by which a path inherits from an ancestor.
func inheritRef(pve bool) string {
	if pve {
		return "docs/semantics.md pve §3.1"
	}
	return "docs/semantics.md §3.3"
}

func tokenNote(x *evaluator.Explanation) string {
	if x.Token && x.Owner != nil {
		return fmt.Sprintf(" (API token of %s)", *x.Owner)
	}
	return ""
}

func writeSubject(b *strings.Builder, title, path string, r *evaluator.SubjectReport, ref string) {
	fmt.Fprintf(b, "\n%s:\n", title)
	if len(r.Entries) == 0 {
		fmt.Fprintf(b, "  none on %s or above: no privileges\n", path)
	}
	for _, e := range r.Entries {
		var roles, lines []string
		for _, role := range e.Roles {
			flag := "propagate 0"
			if role.Propagate {
				flag = "propagate 1"
			}
			roles = append(roles, fmt.Sprintf("%s (%s)", role.Role, flag))
			if role.Line != "" { // none when explained from a bundle file
				lines = append(lines, role.Line)
			}
		}
		p := e.Path
		if e.Via != "" {
			p += " [" + e.Via + "]"
		}
		status := statusText(e.Status, e.Path == path)
		if e.Via != "" {
			status = pveStatusText(e.Status)
		}
		fmt.Fprintf(b, "  %-24s %-30s %s\n", p, strings.Join(roles, ", "), status)
		if len(lines) > 0 {
			fmt.Fprintf(b, "  %-24s from %s\n", "", strings.Join(dedupe(lines), ", "))
		}
	}
	if r.DecidedAt != nil && *r.DecidedAt != path {
		fmt.Fprintf(b, "  no entry of %s on %s itself: it inherits from %s (%s)\n", r.Subject, path, *r.DecidedAt, ref)
	}
	fmt.Fprintf(b, "  => %s\n", privList(r.Privileges))
}

// pveStatusText words a PVE entry status (docs/semantics.md pve §3.1, §3.2).
func pveStatusText(status string) string {
	switch status {
	case "decides":
		return "<- decides (deepest level with applicable entries, docs/semantics.md pve §3.1)"
	case "replaced":
		return "replaced by a deeper level (docs/semantics.md pve §3.1)"
	case "not propagated":
		return "ignored below its path: propagate 0 (docs/semantics.md pve §3.1)"
	}
	return status
}

func statusText(status string, atTarget bool) string {
	switch status {
	case "decides":
		if atTarget {
			return "<- decides (deepest entry, replaces everything above, docs/semantics.md §3.3)"
		}
		return "<- decides (deepest propagating entry, docs/semantics.md §3.3)"
	case "replaced":
		return "replaced by the deeper entry (docs/semantics.md §3.3)"
	case "not propagated":
		return "ignored: propagate 0 applies only to this exact path (docs/semantics.md §3.2)"
	}
	return status
}

func privList(m map[string]bool) string {
	if len(m) == 0 {
		return "none"
	}
	var out []string
	for _, p := range sortedKeys(m) {
		if m[p] {
			out = append(out, p+" (*)")
		} else {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// writeTFA describes the user's second factors (§9), when the bundle holds
// them and there is something to say: the factors and locks of a user
// that has any, and for a token that it needs none of them.
func writeTFA(b *strings.Builder, t *evaluator.TFAReport) {
	if t == nil || (len(t.Factors) == 0 && t.RecoveryKeys == nil && !t.TOTPLocked && t.LockedUntil == nil) {
		return
	}
	factors := "none usable"
	if len(t.Factors) > 0 {
		factors = strings.Join(t.Factors, ", ")
	}
	if t.RecoveryKeys != nil {
		factors += fmt.Sprintf(" (%d unused recovery keys)", *t.RecoveryKeys)
	}
	fmt.Fprintf(b, "\nSecond factors of %s (tfa.json, docs/semantics.md §9): %s\n", t.User, factors)
	if t.TOTPLocked {
		b.WriteString("  TOTP is locked (8 consecutive failures) until a recovery key is used or an admin unlocks it\n")
	}
	if t.LockedUntil != nil {
		fmt.Fprintf(b, "  every second factor is locked until %s (100 consecutive failures)\n", time.Unix(*t.LockedUntil, 0).UTC().Format(time.RFC3339))
	}
	if t.TokenBypasses {
		b.WriteString("  an API token authenticates without its owner's second factor\n")
	}
}

// writeGrants lists each effective privilege with the roles that grant it
// and their lines: explain without a privilege.
func writeGrants(b *strings.Builder, grants []evaluator.Grant, path string) {
	if len(grants) == 0 {
		fmt.Fprintf(b, "\nEffective privileges on %s: none\n", path)
		return
	}
	fmt.Fprintf(b, "\nEffective privileges on %s ((*) = propagates), each with the roles that grant it:\n", path)
	for _, g := range grants {
		name := g.Privilege
		if g.Propagate {
			name += " (*)"
		}
		var from []string
		for _, s := range g.Sources {
			if s.Superuser {
				from = append(from, fmt.Sprintf("%s is the superuser", s.Subject))
				continue
			}
			src := fmt.Sprintf("%s on %s [%s, %s]", s.Role, s.Path, s.Via, s.Subject)
			if s.Line != "" { // none when explained from a bundle file
				src = s.Line + " " + src
			}
			from = append(from, src)
		}
		fmt.Fprintf(b, "  %-28s %s\n", name, strings.Join(from, "; "))
	}
}
