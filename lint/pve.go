package lint

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pve"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/internal/cfgfile"
)

// PVE finding codes (unknown-subject, admin-on-root, token-no-expiry and
// token-clamped are shared with PBS).
const (
	CodePVEWarning   = "pve-warning"      // a line PVE warns about when reading user.cfg
	CodeTokenNoSep   = "token-no-privsep" // privsep=0 token: all its owner's privileges
	CodeRemovedInPV9 = "removed-in-pve-9" // custom role lists a privilege PVE 9 removed
	CodeNewInPVE9    = "new-in-pve-9"     // custom role lists a privilege PVE 8 does not know
)

// PVE warning prefixes that an unknown-subject error already reports.
var unknownSubjectWarnings = []string{
	"user config - ignore invalid acl member ",
	"user config - ignore invalid acl group ",
	"user config - ignore invalid acl token ",
}

// runPVE lints the PVE user.cfg in dir with the catalog of pveVersion
// ("", "9" or "8").
func runPVE(ctx context.Context, dir, pveVersion string) (*Result, error) {
	cat, err := catalog.For(config.PVE, pveVersion)
	if err != nil {
		return nil, err
	}
	userFile := filepath.Join(dir, pve.UserCfg)
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	raw, err := cfgfile.ReadOptional(userFile) // no user.cfg: empty, as for PVE
	if err != nil {
		return nil, err
	}
	cfg := pve.Parse(raw, pve.UserCfg, cat)
	ev, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithFlavor(config.PVE), evaluator.WithPVEVersion(pveVersion))
	if err != nil {
		return nil, err
	}
	l := &pveLinter{cfg: cfg, cat: cat, ev: ev, file: userFile, v8: cat.Version != catalog.MustFor(config.PVE, "").Version}
	l.warnings()
	l.acl(strings.Split(string(raw), "\n"))
	l.roles(raw)
	if err := l.tokens(ctx); err != nil {
		return nil, err
	}
	return newResult(dir, l.out), nil
}

type pveLinter struct {
	cfg  *pve.Config
	cat  *catalog.Catalog
	ev   *evaluator.Evaluator
	file string
	v8   bool // --pve-version 8
	out  []Finding
}

func (l *pveLinter) add(f Finding) {
	f.File = l.file
	l.out = append(l.out, f)
}

// warnings reports every warning PVE prints while reading user.cfg, but
// those about unknown ACL subjects, which acl reports as errors.
func (l *pveLinter) warnings() {
	for _, w := range l.cfg.Warnings {
		if slices.ContainsFunc(unknownSubjectWarnings, func(p string) bool { return strings.HasPrefix(w.Msg, p) }) {
			continue
		}
		l.add(Finding{Severity: Warning, Code: CodePVEWarning, Line: w.Line,
			Message: "PVE warns when reading user.cfg: " + w.Msg,
			Fix:     "fix or remove this line: PVE ignores what it warns about"})
	}
}

// acl reports ACL entries for unknown users, groups and tokens, and
// Administrator on / for anyone but root@pam.
func (l *pveLinter) acl(lines []string) {
	l.cfg.WalkEntries(func(path string, _ int, n *pve.ACLNode) {
		for _, kind := range []string{"user", "token", "group"} {
			m := map[string]map[string]map[string]pve.RoleEntry{"user": n.Users, "token": n.Tokens, "group": n.Groups}[kind]
			for _, id := range slices.Sorted(maps.Keys(m)) {
				subject := id
				if kind == "group" {
					subject = "@" + id
				}
				lines := map[int]bool{}
				for _, role := range slices.Sorted(maps.Keys(m[id])) {
					e := m[id][role]
					if kind == "user" && l.cfg.Users[id] == nil && !lines[e.Line] {
						lines[e.Line] = true
						l.unknown(e.Line, kind, subject, path, fmt.Sprintf("ignore invalid acl member '%s'", id))
					}
					if kind == "group" && l.cfg.Groups[id] == nil && !lines[e.Line] {
						lines[e.Line] = true
						l.unknown(e.Line, kind, subject, path, fmt.Sprintf("ignore invalid acl group '%s'", id))
					}
					if role == "Administrator" && path == "/" && id != pve.Superuser {
						l.add(Finding{Severity: Warning, Code: CodeAdminOnRoot, Line: e.Line, Subject: subject, Path: path,
							Message: fmt.Sprintf("%s %s has Administrator on / (every privilege everywhere, Permissions.Modify and Sys.Modify included)", kind, subject),
							Fix:     "grant narrower roles on the paths it needs (e.g. PVEVMAdmin on /pool/NAME), and keep Administrator on / for root@pam"})
					}
				}
			}
		}
	})
	// ACL entries for unknown tokens: PVE drops them with a warning
	for _, w := range l.cfg.Warnings {
		const p = "user config - ignore invalid acl token '"
		if strings.HasPrefix(w.Msg, p) {
			tok := strings.TrimSuffix(strings.TrimPrefix(w.Msg, p), "'")
			path := ""
			if f := strings.Split(lines[w.Line-1], ":"); len(f) > 2 {
				path, _ = aclpath.PVENormalize(strings.TrimSpace(f[2]))
			}
			l.unknown(w.Line, "token", tok, path, strings.TrimPrefix(w.Msg, "user config - "))
		}
	}
}

func (l *pveLinter) unknown(line int, kind, subject, path, pveMsg string) {
	what := "grants nothing"
	if kind == "user" {
		what = "grants nothing until a user of that name is created, who then inherits it"
	}
	where := ""
	if path != "" {
		where = " on " + path
	}
	l.add(Finding{Severity: Error, Code: CodeUnknownSubject, Line: line, Subject: subject, Path: path,
		Message: fmt.Sprintf("ACL entry%s for %s %s, which does not exist in user.cfg: it %s (PVE: %s)", where, kind, subject, what, pveMsg),
		Fix:     fmt.Sprintf("remove %s from this line, or create the %s", subject, kind)})
}

// roles reports privileges of custom roles that differ between PVE 8 and
// 9, line by line (a role may span several role: lines).
func (l *pveLinter) roles(raw []byte) {
	p8, p9 := catalog.MustFor(config.PVE, "8"), catalog.MustFor(config.PVE, "9")
	for n, line := range strings.Split(string(raw), "\n") {
		f := strings.Split(strings.TrimSpace(line), ":")
		if len(f) < 3 || strings.TrimSpace(f[0]) != "role" {
			continue
		}
		role := strings.TrimSpace(f[1])
		for _, p := range strings.FieldsFunc(f[2], func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
			switch {
			case p8.IsPrivilege(p) && !p9.IsPrivilege(p):
				sev, msg := Info, fmt.Sprintf("role %s lists %s, removed in PVE 9: PVE 9 ignores it", role, p)
				if l.v8 {
					sev, msg = Warning, fmt.Sprintf("role %s lists %s, removed in PVE 9: the role loses it on upgrade", role, p)
				}
				fix := "remove it from the role"
				if p == "VM.Monitor" {
					fix = "replace VM.Monitor with the VM.GuestAgent.* privileges (guest agent) or Sys.Audit (monitor), as PVE 9 does for built-in roles"
				}
				l.add(Finding{Severity: sev, Code: CodeRemovedInPV9, Line: n + 1, Subject: role, Message: msg, Fix: fix})
			case l.v8 && p9.IsPrivilege(p) && !p8.IsPrivilege(p):
				l.add(Finding{Severity: Info, Code: CodeNewInPVE9, Line: n + 1, Subject: role,
					Message: fmt.Sprintf("role %s lists %s, new in PVE 9: PVE 8 ignores it", role, p),
					Fix:     "upgrade to PVE 9 before relying on it, or lint with --pve-version 9"})
			}
		}
	}
}

// tokens reports tokens without expiry, privsep=0 tokens and the
// privileges a privsep=1 token's own ACL grants in vain (§3: the clamp).
func (l *pveLinter) tokens(ctx context.Context) error {
	tokenPaths := map[string][]string{}
	l.cfg.WalkEntries(func(path string, _ int, n *pve.ACLNode) {
		for id := range n.Tokens {
			tokenPaths[id] = append(tokenPaths[id], path)
		}
	})
	for _, uid := range slices.Sorted(maps.Keys(l.cfg.Users)) {
		u := l.cfg.Users[uid]
		for _, sub := range slices.Sorted(maps.Keys(u.Tokens)) {
			t := u.Tokens[sub]
			if t.Expire == 0 {
				l.add(Finding{Severity: Info, Code: CodeTokenNoExpiry, Line: t.Line, Subject: t.ID,
					Message: fmt.Sprintf("token %s never expires", t.ID),
					Fix:     fmt.Sprintf("set an expiry date (pveum user token modify %s %s --expire EPOCH) and rotate the token", uid, sub)})
			}
			if !t.Privsep {
				l.add(Finding{Severity: Info, Code: CodeTokenNoSep, Line: t.Line, Subject: t.ID,
					Message: fmt.Sprintf("token %s has all its owner's privileges (privsep=0)", t.ID),
					Fix:     fmt.Sprintf("set privsep=1 and give it its own ACL (pveum user token modify %s %s --privsep 1)", uid, sub)})
				continue
			}
			for _, p := range tokenPaths[t.ID] {
				x, err := l.ev.Explain(ctx, evaluator.Query{AuthID: t.ID, Path: p})
				if err != nil {
					return err
				}
				if len(x.Clamped) == 0 {
					continue
				}
				l.add(Finding{Severity: Info, Code: CodeTokenClamped, Line: l.grantingLine(x.ACL, p, x.Clamped), Subject: t.ID, Path: p,
					Message: fmt.Sprintf("token %s asks for %s on %s in vain: its owner %s lacks them, and a token never has more than its owner",
						t.ID, strings.Join(x.Clamped, ", "), p, uid),
					Fix: "drop the roles the owner does not have from the token's entry, or grant them to the owner if the token really needs them"})
			}
		}
	}
	return nil
}

// grantingLine is the line of the first role of the entry at path that
// grants one of privs (0 if none).
func (l *pveLinter) grantingLine(r evaluator.SubjectReport, path string, privs []string) int {
	for _, e := range r.Entries {
		if e.Path != path {
			continue
		}
		for _, role := range e.Roles {
			rp := l.cat.RolePrivileges(role.Role)
			if c := l.cfg.Roles[role.Role]; c != nil {
				rp = slices.Collect(maps.Keys(c.Privs))
			}
			for _, p := range privs {
				if slices.Contains(rp, p) {
					return lineNo(role.Line)
				}
			}
		}
	}
	return 0
}
