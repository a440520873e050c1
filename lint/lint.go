// Package lint finds risky or useless entries in a PBS or PVE
// access-control configuration: each finding has a severity, the
// file:line responsible and a fix hint.
package lint

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/evaluator"
	"github.com/pxacl/pxacl/tfa"
)

// Severity orders findings: Info < Warning < Error.
type Severity int

// Severities.
const (
	Info Severity = iota
	Warning
	Error
)

var severityNames = []string{"info", "warning", "error"}

func (s Severity) String() string {
	if s < Info || s > Error {
		return "severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or error)", s)
}

// MarshalJSON writes the severity name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Finding codes.
const (
	CodeUnknownSubject = "unknown-subject"   // ACL entry for a user or token not in user.cfg
	CodeGroupACL       = "group-acl"         // @group entry: grants nothing on PBS (§3.5)
	CodeTokenNoExpiry  = "token-no-expiry"   // token without expire
	CodeAdminOnRoot    = "admin-on-root"     // Admin on / for anyone but root@pam
	CodeBackupCanPrune = "backup-can-delete" // token with Datastore.Backup and Prune or Modify
	CodeTokenClamped   = "token-clamped"     // token ACL grants what its owner lacks
	CodeNeedsPBS33     = "needs-pbs-3.3"     // role that does not exist in PBS ≤ 3.2
	// second factors (tfa.json, §9)
	CodeNoSecondFactor = "no-second-factor"      // powerful user without a usable second factor
	CodeTOTPNoRecovery = "totp-without-recovery" // TOTP is the only factor and no recovery key is left
	CodeTFALocked      = "tfa-locked"            // TOTP or every factor of a user is locked
	CodeTFAUnreadable  = "tfa-unreadable"        // tfa.json could not be read: no TFA checks
)

// Finding is one lint result.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Subject  string   `json:"subject,omitempty"` // auth id or @group
	Path     string   `json:"path,omitempty"`    // ACL path
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

// Pos is "file:line".
func (f Finding) Pos() string { return fmt.Sprintf("%s:%d", f.File, f.Line) }

// Result is the outcome of linting one configuration directory.
type Result struct {
	Dir      string    `json:"config_dir"`
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Infos    int       `json:"infos"`
}

// Max is the highest severity of the findings (-1 when there are none).
func (r *Result) Max() Severity {
	m := Severity(-1)
	for _, f := range r.Findings {
		m = max(m, f.Severity)
	}
	return m
}

// Run lints the configuration in dir, read as compiler.Compile reads it
// with opts (flavor detected unless opts.Flavor is set).
func Run(ctx context.Context, dir string, opts compiler.Options) (*Result, error) {
	flavor, err := config.DetectFlavor(dir, opts.Flavor)
	if err != nil {
		return nil, err
	}
	switch flavor {
	case config.PBS:
		return runPBS(ctx, dir)
	case config.PVE:
		return runPVE(ctx, dir, opts.PVEVersion)
	}
	return nil, fmt.Errorf("lint: the %s flavor is not supported", flavor)
}

// runPBS lints the PBS configuration in dir.
func runPBS(ctx context.Context, dir string) (*Result, error) {
	cur := catalog.MustFor(config.PBS, "")
	old := catalog.MustLoad("pbs-3.2")
	cfg, err := pbs.Load(dir, cur.IsRole)
	if err != nil {
		return nil, err
	}
	doc, err := compiler.Compile(dir, compiler.Options{Flavor: config.PBS})
	if err != nil {
		return nil, err
	}
	if err := tfaFileError(doc); err != nil {
		return nil, err
	}
	ev, err := evaluator.FromDocument(ctx, doc)
	if err != nil {
		return nil, err
	}
	l := &linter{
		cfg: cfg, ev: ev, old: old, doc: doc,
		aclFile:  filepath.Join(dir, pbs.ACLCfg),
		userFile: filepath.Join(dir, pbs.UserCfg),
		tfaFile:  filepath.Join(dir, tfa.FileName),
		now:      time.Now().Unix(),
	}
	if err := l.run(ctx); err != nil {
		return nil, err
	}
	l.tfaChecks()
	return newResult(dir, l.out), nil
}

// newResult sorts the findings and counts them by severity.
func newResult(dir string, findings []Finding) *Result {
	res := &Result{Dir: dir, Findings: findings}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Path, b.Path))
	})
	for _, f := range res.Findings {
		switch f.Severity {
		case Error:
			res.Errors++
		case Warning:
			res.Warnings++
		default:
			res.Infos++
		}
	}
	if res.Findings == nil {
		res.Findings = []Finding{}
	}
	return res
}

type linter struct {
	cfg      *pbs.Config
	ev       *evaluator.Evaluator
	old      *catalog.Catalog
	doc      *compiler.Document
	aclFile  string
	userFile string
	tfaFile  string
	now      int64
	out      []Finding
}

func (l *linter) add(f Finding) { l.out = append(l.out, f) }

// entry is one (path, subject, role) of acl.cfg.
// intermediateDatastorePaths adds to the datastore nodes with entries
// (sorted) those without entries where tok may both back up and delete;
// a group of them decides alike, so one decision stands for a group.
func (l *linter) intermediateDatastorePaths(ctx context.Context, tok string, groups []compiler.NodeGroup, dsPaths []string) ([]string, error) {
	out := slices.Clip(dsPaths)
	for _, g := range groups {
		perms, err := l.ev.Permissions(ctx, tok, g.Sample)
		if err != nil {
			return nil, err
		}
		_, backup := perms["Datastore.Backup"]
		_, modify := perms["Datastore.Modify"]
		_, prune := perms["Datastore.Prune"]
		if !backup || !modify && !prune {
			continue
		}
		for _, p := range g.Paths() {
			if strings.HasPrefix(p, "/datastore/") {
				out = append(out, p)
			}
		}
	}
	if len(out) > len(dsPaths) {
		out = slices.Clone(out)
		slices.Sort(out)
	}
	return out, nil
}

type entry struct {
	path, subject, role string
	line                int
}

func (l *linter) entries() (users, groups []entry) {
	if l.cfg.ACL == nil {
		return nil, nil
	}
	l.cfg.ACL.WalkEntries(func(path string, _ int, n *pbs.ACLNode) {
		for _, id := range slices.Sorted(maps.Keys(n.Users)) {
			for _, role := range slices.Sorted(maps.Keys(n.Users[id])) {
				users = append(users, entry{path, id, role, n.Users[id][role].Line})
			}
		}
		for _, g := range slices.Sorted(maps.Keys(n.Groups)) {
			for _, role := range slices.Sorted(maps.Keys(n.Groups[g])) {
				groups = append(groups, entry{path, "@" + g, role, n.Groups[g][role].Line})
			}
		}
	})
	return users, groups
}

func (l *linter) known(id string) bool {
	if strings.Contains(id, "!") {
		return l.cfg.Users.Token(id) != nil
	}
	return l.cfg.Users.User(id) != nil
}

func (l *linter) run(ctx context.Context) error {
	users, groups := l.entries()
	type key struct {
		code, subject, path string
		line                int
	}
	seen := map[key]bool{}
	once := func(code, subject, path string, line int) bool {
		k := key{code, subject, path, line}
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	for _, e := range users {
		if !l.known(e.subject) && once(CodeUnknownSubject, e.subject, e.path, e.line) {
			kind := "user"
			if strings.Contains(e.subject, "!") {
				kind = "token"
			}
			l.add(Finding{Severity: Error, Code: CodeUnknownSubject, File: l.aclFile, Line: e.line, Subject: e.subject, Path: e.path,
				Message: fmt.Sprintf("ACL entry on %s for %s %s, which does not exist in user.cfg", e.path, kind, e.subject),
				Fix:     fmt.Sprintf("remove %s from this line, or create the %s (a later %s of that name would inherit the entry)", e.subject, kind, kind)})
		}
		if e.role == "Admin" && e.path == "/" && e.subject != "root@pam" {
			l.add(Finding{Severity: Warning, Code: CodeAdminOnRoot, File: l.aclFile, Line: e.line, Subject: e.subject, Path: e.path,
				Message: fmt.Sprintf("%s has Admin on / (every privilege everywhere, Permissions.Modify included)", e.subject),
				Fix:     "grant narrower roles on the paths it needs (e.g. DatastoreAdmin on /datastore/NAME), and keep Admin on / for root@pam"})
		}
		if !l.old.IsRole(e.role) && once(CodeNeedsPBS33, e.role, e.path, e.line) {
			l.add(Finding{Severity: Info, Code: CodeNeedsPBS33, File: l.aclFile, Line: e.line, Subject: e.subject, Path: e.path,
				Message: fmt.Sprintf("role %s needs PBS ≥ 3.3: PBS ≤ %s does not know it and refuses to load this acl.cfg", e.role, l.old.Version),
				Fix:     "upgrade every PBS that reads this acl.cfg to 3.3 or later, or do not use this role"})
		}
	}
	for _, e := range groups {
		if once(CodeGroupACL, e.subject, e.path, e.line) {
			l.add(Finding{Severity: Warning, Code: CodeGroupACL, File: l.aclFile, Line: e.line, Subject: e.subject, Path: e.path,
				Message: fmt.Sprintf("group entry %s on %s grants nothing: PBS has no user groups (docs/semantics.md §3.5)", e.subject, e.path),
				Fix:     "grant the roles to the users or tokens themselves and remove the group entry"})
		}
	}
	for _, t := range l.cfg.Users.Tokens {
		if t.Expire == nil || *t.Expire == 0 {
			l.add(Finding{Severity: Info, Code: CodeTokenNoExpiry, File: l.userFile, Line: t.Line, Subject: t.Tokenid,
				Message: fmt.Sprintf("token %s never expires", t.Tokenid),
				Fix:     "set an expiry date (user.cfg 'expire EPOCH'; proxmox-backup-manager user update-token USER NAME --expire EPOCH) and rotate the token"})
		}
	}
	return l.tokenChecks(ctx, users)
}

// tokenChecks evaluates the effective permissions of each token: backup
// tokens that can delete backups, and the privileges clamped away.
func (l *linter) tokenChecks(ctx context.Context, users []entry) error {
	tokenPaths := map[string][]string{} // token -> paths where it has own entries
	for _, e := range users {
		if !strings.Contains(e.subject, "!") || !l.known(e.subject) {
			continue
		}
		if ps := tokenPaths[e.subject]; len(ps) == 0 || ps[len(ps)-1] != e.path {
			tokenPaths[e.subject] = append(ps, e.path)
		}
	}
	var dsPaths []string
	for _, p := range l.ev.Nodes() {
		if strings.HasPrefix(p, "/datastore/") {
			dsPaths = append(dsPaths, p)
		}
	}
	groups := l.ev.Intermediate()
	for _, tok := range slices.Sorted(maps.Keys(tokenPaths)) {
		reported := map[string]bool{} // acl line → already reported
		paths, err := l.intermediateDatastorePaths(ctx, tok, groups, dsPaths)
		if err != nil {
			return err
		}
		for _, p := range paths {
			perms, err := l.ev.Permissions(ctx, tok, p)
			if err != nil {
				return err
			}
			if _, ok := perms["Datastore.Backup"]; !ok {
				continue
			}
			var del []string
			for _, d := range []string{"Datastore.Modify", "Datastore.Prune"} {
				if _, ok := perms[d]; ok {
					del = append(del, d)
				}
			}
			if len(del) == 0 {
				continue
			}
			x, err := l.ev.Explain(ctx, evaluator.Query{AuthID: tok, Path: p, Privileges: del, Partial: true})
			if err != nil {
				return err
			}
			line := grantingLine(x.ACL, "", del)
			key := fmt.Sprint(line)
			if line == 0 {
				key = p
			}
			if reported[key] {
				continue
			}
			reported[key] = true
			l.add(Finding{Severity: Warning, Code: CodeBackupCanPrune, File: l.aclFile, Line: line, Subject: tok, Path: p,
				Message: fmt.Sprintf("backup token %s can also delete backups on %s (%s)", tok, p, strings.Join(del, ", ")),
				Fix:     "give backup tokens DatastoreBackup only, so a stolen token cannot destroy existing backups; prune with a separate identity"})
		}
		for _, p := range tokenPaths[tok] {
			x, err := l.ev.Explain(ctx, evaluator.Query{AuthID: tok, Path: p})
			if err != nil {
				return err
			}
			if len(x.Clamped) == 0 {
				continue
			}
			owner := ""
			if x.Owner != nil {
				owner = *x.Owner
			}
			l.add(Finding{Severity: Info, Code: CodeTokenClamped, File: l.aclFile, Line: grantingLine(x.ACL, p, x.Clamped), Subject: tok, Path: p,
				Message: fmt.Sprintf("token %s asks for %s on %s in vain: its owner %s lacks them, and a token never has more than its owner",
					tok, strings.Join(x.Clamped, ", "), p, owner),
				Fix: "drop the roles the owner does not have from the token's entry, or grant them to the owner if the token really needs them"})
		}
	}
	return nil
}

// lineNo parses the "acl.cfg:N" of a role report.
func lineNo(s string) int {
	i := strings.LastIndexByte(s, ':')
	n, _ := strconv.Atoi(s[i+1:])
	return n
}

// grantingLine is the line of the first role that grants one of privs in
// the deciding entry (path "") or in the entry at path (0 if none is
// found).
func grantingLine(r evaluator.SubjectReport, path string, privs []string) int {
	cat := catalog.MustFor(config.PBS, "")
	for _, e := range r.Entries {
		if (path == "" && e.Status != "decides") || (path != "" && e.Path != path) {
			continue
		}
		for _, role := range e.Roles {
			rp := cat.RolePrivileges(role.Role)
			for _, p := range privs {
				if slices.Contains(rp, p) {
					return lineNo(role.Line)
				}
			}
		}
	}
	return 0
}
