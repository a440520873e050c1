package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/tfa"
)

// powerfulPrivileges make a user an administrator whose account needs a
// second factor: who holds one of them (Admin holds all) can change
// permissions, the system or the datastores themselves.
var powerfulPrivileges = []string{"Permissions.Modify", "Sys.Modify", "Datastore.Allocate"}

// grant is where a user holds powerful privileges.
type grant struct {
	path  string
	privs []string
	line  int // acl.cfg line of the first role that grants one
}

// powerful reports where user holds powerful privileges by its own ACL
// entries (the first such node in tree order), from the compiled
// privilege sets, so NoAccess on the same node cancels them (§3.2).
// root@pam holds everything (§3.4).
func (l *linter) powerful(user string) (grant, bool) {
	if user == compiler.Superuser {
		return grant{path: "/", privs: powerfulPrivileges}, true
	}
	for _, path := range l.doc.Nodes {
		e := l.doc.ACL[path][user]
		if e == nil {
			continue
		}
		leaf := l.doc.PrivSets[e.Leaf]
		var privs []string
		for _, p := range powerfulPrivileges {
			if _, ok := leaf[p]; ok {
				privs = append(privs, p)
			}
		}
		if len(privs) == 0 {
			continue
		}
		g := grant{path: path, privs: privs}
		cat := catalog.MustFor(config.PBS, "") // the line of the first role granting one of them
		for _, role := range slices.Sorted(maps.Keys(e.Roles)) {
			if slices.ContainsFunc(privs, func(p string) bool { return slices.Contains(cat.RolePrivileges(role), p) }) {
				g.line = e.Lines[role]
				break
			}
		}
		return g, true
	}
	return grant{}, false
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// active: the user can log in (config.Active; enable defaults to true,
// expire to never).
func (l *linter) active(u *pbs.User) bool {
	var expire int64
	if u.Expire != nil {
		expire = *u.Expire
	}
	return config.Active(u.Enable == nil || *u.Enable, expire, l.now)
}

// tfaFileError is the error that stops lint when tfa.json is malformed:
// the TFA findings need it, so lint refuses it as 'user tfa' does. A
// tfa.json pxacl may not read is not an error but an info finding
// (tfaChecks): on a PBS host it is mode 0600 root.
func tfaFileError(doc *compiler.Document) error {
	if doc.TFAError != nil && !errors.Is(doc.TFAError, fs.ErrPermission) {
		return doc.TFAError
	}
	return nil
}

// tfaChecks reports, from the second-factor state compiled from tfa.json
// (§9): active users with powerful privileges and no usable second
// factor, users whose only factor is TOTP without a recovery key left,
// and locked users. A missing tfa.json means nobody has a second factor,
// as for PBS.
func (l *linter) tfaChecks() {
	if l.doc.TFA == nil {
		l.add(Finding{Severity: Info, Code: CodeTFAUnreadable, File: l.tfaFile,
			Message: "tfa.json cannot be read: the second factors were not checked",
			Fix:     "run pxacl lint as root (tfa.json is mode 0600), or as the owner of tfa.json"})
		return
	}
	missing := len(l.doc.TFA) == 0 && !fileExists(l.tfaFile)
	for _, u := range l.cfg.Users.Users {
		st, has := l.doc.TFA[u.Userid]
		usable := has && usableFactors(st) != nil
		if l.active(u) && !usable {
			if g, ok := l.powerful(u.Userid); ok {
				l.add(l.noSecondFactor(u, g, has, missing))
			}
		}
		if !has {
			continue
		}
		types := usableFactors(st)
		if slices.Equal(types, []string{tfa.TypeTOTP}) && l.active(u) {
			l.add(l.totpWithoutRecovery(u, st))
		}
		if st.TOTPLocked || st.TFALockedUntil > l.now {
			l.add(l.locked(u, st))
		}
	}
}

// usableFactors lists the types of which the user has something usable.
func usableFactors(st compiler.TFAUser) []string {
	var out []string
	for _, t := range slices.Sorted(maps.Keys(st.Factors)) {
		if st.Factors[t] > 0 {
			out = append(out, t)
		}
	}
	return out
}

func (l *linter) noSecondFactor(u *pbs.User, g grant, has, missing bool) Finding {
	where := fmt.Sprintf("%s on %s", strings.Join(g.privs, ", "), g.path)
	if g.line > 0 {
		where += fmt.Sprintf(" (acl.cfg:%d)", g.line)
	}
	if u.Userid == compiler.Superuser {
		where = "every privilege (the superuser)"
		if u.Line == 0 {
			where += ", not in user.cfg but added by PBS,"
		}
	}
	why := "has no second factor"
	switch {
	case has:
		why = "has no usable second factor (every entry is disabled, or the recovery keys are used up)"
	case missing:
		why = "has no second factor (there is no tfa.json)"
	}
	return Finding{Severity: Warning, Code: CodeNoSecondFactor, File: l.userFile, Line: u.Line, Subject: u.Userid, Path: g.path,
		Message: fmt.Sprintf("%s holds %s and %s: a stolen password is enough to take over", u.Userid, where, why),
		Fix: fmt.Sprintf("add a TOTP and recovery keys (pxacl user tfa add-totp %s --description phone; pxacl user tfa add-recovery %s; or in the PBS web UI), "+
			"and let automation use API tokens, which need no second factor", u.Userid, u.Userid)}
}

func (l *linter) totpWithoutRecovery(u *pbs.User, st compiler.TFAUser) Finding {
	msg := fmt.Sprintf("%s has TOTP as its only second factor and no recovery keys", u.Userid)
	fix := fmt.Sprintf("add recovery keys and keep them offline (pxacl user tfa add-recovery %s)", u.Userid)
	if _, ok := st.Factors[tfa.TypeRecovery]; ok {
		msg = fmt.Sprintf("%s has TOTP as its only second factor and has used up all its recovery keys", u.Userid)
		fix = fmt.Sprintf("replace the used-up set (pxacl user tfa delete %s recovery; pxacl user tfa add-recovery %s)", u.Userid, u.Userid)
	}
	return Finding{Severity: Info, Code: CodeTOTPNoRecovery, File: l.userFile, Line: u.Line, Subject: u.Userid,
		Message: msg + fmt.Sprintf(": a lost phone, or %d wrong codes, lock the account until an admin unlocks it", tfa.TOTPFailureLimit),
		Fix:     fix}
}

func (l *linter) locked(u *pbs.User, st compiler.TFAUser) Finding {
	var what []string
	if st.TOTPLocked {
		what = append(what, fmt.Sprintf("TOTP is locked (%d consecutive TOTP failures)", tfa.TOTPFailureLimit))
	}
	if st.TFALockedUntil > l.now {
		what = append(what, fmt.Sprintf("every second factor is locked until %s (%d consecutive failures)",
			time.Unix(st.TFALockedUntil, 0).UTC().Format(time.RFC3339), tfa.TFAFailureLimit))
	}
	return Finding{Severity: Info, Code: CodeTFALocked, File: l.userFile, Line: u.Line, Subject: u.Userid,
		Message: fmt.Sprintf("%s: %s", u.Userid, strings.Join(what, "; ")),
		Fix: fmt.Sprintf("if the user made the failures, unlock (pxacl user tfa unlock %s, or proxmox-backup-manager user tfa unlock %s); "+
			"if not, someone is guessing codes: check the login log first", u.Userid, u.Userid)}
}
