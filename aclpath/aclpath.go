// Package aclpath is the one home of the ACL path grammar: which paths a
// query (check, explain, who-can, user permissions, pxacl test, the
// evaluator) may ask about, and which paths an ACL entry may be written on
// (PBS's ACL_PATH_SCHEMA). Every command validates a query path with Query;
// nothing else in pxacl spells the rule out.
//
// # The query rule
//
// Proxmox looks a path up by splitting it on '/' and dropping the empty
// components (docs/semantics.md §2.1 and §3.3; PVE's normalize_path
// collapses "/+" and strips a trailing '/', docs/semantics.md pve §1.3), so
// "//datastore//store1/" is "/datastore/store1" to both. A query path is
// therefore accepted in that loose form, but it must be an ACL path:
//
//   - it starts with '/' ("/" and "///" are the root);
//   - every non-empty component is a name: on PBS a SAFE_ID
//     ([A-Za-z0-9_][A-Za-z0-9._-]*, the component of ACL_PATH_SCHEMA, §7
//     and §6), on PVE a run of [A-Za-z0-9._-] (normalize_path's character
//     class, pve §1.3 and §6);
//   - no component is "." or "..". PBS's SAFE_ID excludes them already; PVE's
//     character class does not, but no PVE ACL path has one (§6), and a
//     caller that resolves them after the decision would read another path
//     than the one decided.
//
// The empty path is refused: ACL_PATH_SCHEMA needs at least one character
// and normalize_path returns nothing for it.
//
// The bundle's Rego (and the native engine, which mirrors it) answer any
// string, as Proxmox's lookup does, except the two cases a later
// normalisation could turn into another path: the empty path and a "." or
// ".." component (Dotted). Those deny and have no permissions.
package aclpath

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
)

// MaxSchemaLen is ACL_PATH_SCHEMA's length limit (docs/semantics.md §7).
const MaxSchemaLen = 128

// schemaRE is PBS's ACL_PATH_SCHEMA regex (§7): "/" or "/SAFE_ID/...".
var schemaRE = regexp.MustCompile(`^(?:/|(?:/[A-Za-z0-9_][A-Za-z0-9._\-]*)+)$`)

// Query validates a path to query on flavor (anything but config.PVE is
// PBS) by the rule of the package comment. The error names the path,
// escaped and cut with safetext.
func Query(flavor config.Flavor, path string) error {
	if flavor == config.PVE {
		return PVEQuery(path)
	}
	return PBSQuery(path)
}

// AnyQuery validates a query path when the flavor is not known yet (a
// `pxacl test` file before its configuration is read): the path is a query
// path of some flavor. PBS's rule is the stricter, so this is PVEQuery;
// the flavor's own rule applies once the flavor is known.
func AnyQuery(path string) error { return PVEQuery(path) }

// PBSQuery is Query for PBS: components are SAFE_IDs (§7).
func PBSQuery(path string) error { return query(path, isSafeID, "SAFE_ID") }

// PVEQuery is Query for PVE: components are runs of [A-Za-z0-9._-] (pve §1.3).
func PVEQuery(path string) error { return query(path, isPVEName, "[A-Za-z0-9._-]") }

func query(path string, name func(string) bool, what string) error {
	bad := func(why string) error {
		return fmt.Errorf("invalid ACL path %s: %s", safetext.Quote(path), why)
	}
	if path == "" {
		return bad("empty (the root is '/')")
	}
	if path[0] != '/' {
		return bad("not absolute (must start with '/')")
	}
	for c := range strings.SplitSeq(path, "/") {
		switch {
		case c == "":
		case c == "." || c == "..":
			return bad("a '.' or '..' component is not part of any ACL path")
		case !name(c):
			return bad(fmt.Sprintf("component %s is not a %s", safetext.Quote(c), what))
		}
	}
	return nil
}

// Schema applies PBS's ACL_PATH_SCHEMA (§7), the rule for the path of an
// ACL entry written through the API (`acl update`): "/" or "/SAFE_ID/...",
// 1..128 characters, no empty component.
func Schema(path string) error {
	if len(path) < 1 || len(path) > MaxSchemaLen || !schemaRE.MatchString(path) {
		return fmt.Errorf("parameter 'path' - invalid ACL path %s (must match ^(?:/|(?:/SAFE_ID)+)$, 1..128 chars)", safetext.Quote(path))
	}
	return nil
}

// pveLineRE is the character class of normalize_path (pve §1.3): ASCII
// [[:alnum:]] (pxacl refuses the Unicode case, see isPVEName), '.', '-',
// '_' and '/'.
var pveLineRE = regexp.MustCompile(`^[A-Za-z0-9.\-_/]+$`)

// PVENormalize is PVE's normalize_path, the rule for the path of an acl:
// line in user.cfg (docs/semantics.md pve §1.3): runs of '/' collapse, a
// trailing '/' goes, "" is the root and a relative path is made absolute.
// ok is false when a character is outside [A-Za-z0-9.\-_/].
func PVENormalize(p string) (string, bool) {
	p = collapseSlashes(p)
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !pveLineRE.MatchString(p) {
		return "", false
	}
	return p, true
}

// collapseSlashes replaces each run of '/' with one (s#/+#/#g).
func collapseSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// DefaultPermissionPaths are the paths `user permissions` lists without
// --path, besides the ACL's nodes: PBS's fixed list (docs/semantics.md
// §11) and PVE's get_effective_permissions defaults (to which PVE adds the
// pool members). The slice is the caller's.
func DefaultPermissionPaths(flavor config.Flavor) []string {
	if flavor == config.PVE {
		return []string{"/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms"}
	}
	return []string{"/", "/access", "/datastore", "/remote", "/system"}
}

// Dotted reports whether path is one the policies deny outright: the empty
// path, or one with a "." or ".." component. It is the Rego rule
// pxacl.dotted_path (policies/pxacl.rego), `""` or the regex
// `(^|/)\.\.?(/|$)`, written as a scan; allow and permissions check it on
// every decision.
func Dotted(path string) bool {
	if path == "" {
		return true
	}
	i := strings.IndexByte(path, '.')
	for i >= 0 {
		// a component starting at i is "." or ".."
		if i == 0 || path[i-1] == '/' {
			j := i + 1
			if j < len(path) && path[j] == '.' {
				j++
			}
			if j == len(path) || path[j] == '/' {
				return true
			}
		}
		k := strings.IndexByte(path[i+1:], '.')
		if k < 0 {
			return false
		}
		i += 1 + k
	}
	return false
}

// isSafeID matches SAFE_ID = [A-Za-z0-9_][A-Za-z0-9._\-]* (ASCII only).
func isSafeID(s string) bool {
	if s == "" || !isAlnum(s[0]) && s[0] != '_' {
		return false
	}
	return isPVEName(s)
}

// isPVEName matches [A-Za-z0-9._-]+ ([[:alnum:]] is ASCII: pve §6 leaves the
// Unicode case unconfirmed, so pxacl refuses it).
func isPVEName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
