package aclpath

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/config"
)

// The query rule (package comment): empty components are dropped as PBS's
// split_acl_path does (docs/semantics.md §2.1, §3.3) and PVE's
// normalize_path does (docs/semantics.md pve §1.3); every other component is a
// SAFE_ID on PBS (§7 ACL_PATH_SCHEMA, §6 SAFE_ID) or a run of
// [A-Za-z0-9._-] on PVE (§1.3, §6); "." and ".." never.
func TestQuery(t *testing.T) {
	both := []string{
		"/", "///", "/datastore", "/datastore/store1", "//datastore//store1/", "/datastore/store1/",
		"/datastore/s1/ns1/ns2/ns3/ns4/ns5/ns6/ns7/deeper", "/datastore/s1.bak",
		"/datastore/x..", "/vms/100", "/pool/a/b/c", "/system/s3-endpoint/e_1",
		"/" + strings.Repeat("a/", 200), // no length limit: PBS checks longer namespace paths internally (§7)
	}
	pveOnly := []string{"/datastore/.hidden", "/datastore/..x", "/storage/-x", "/...", "/a/.b"}
	neither := []string{
		"", "datastore", "datastore/s1", // empty, not absolute
		".", "..", "/.", "/..", "/./", "/../", "/datastore/store1/../secret", "/datastore/./secret",
		"/datastore/s1/..", "/datastore/s1/.", "//..//", // "." and ".." components
		"/datastore/st ore", "/datastore/a:b", "/ä/ö", "/datastore/\x1b[2J", "/datastore/\ufeffx", "/a\x00", // characters
	}
	for _, p := range both {
		if err := PBSQuery(p); err != nil {
			t.Errorf("PBSQuery(%q) = %v", p, err)
		}
		if err := PVEQuery(p); err != nil {
			t.Errorf("PVEQuery(%q) = %v", p, err)
		}
	}
	for _, p := range pveOnly {
		if err := PBSQuery(p); err == nil {
			t.Errorf("PBSQuery(%q) accepted a component that is not a SAFE_ID", p)
		}
		if err := PVEQuery(p); err != nil {
			t.Errorf("PVEQuery(%q) = %v", p, err)
		}
		if err := AnyQuery(p); err != nil {
			t.Errorf("AnyQuery(%q) = %v", p, err)
		}
	}
	for _, p := range neither {
		for name, f := range map[string]func(string) error{"PBSQuery": PBSQuery, "PVEQuery": PVEQuery, "AnyQuery": AnyQuery} {
			err := f(p)
			if err == nil {
				t.Errorf("%s(%q) accepted", name, p)
				continue
			}
			// the message names the path, escaped (safetext)
			if !strings.HasPrefix(err.Error(), "invalid ACL path '") || strings.ContainsAny(err.Error(), "\x1b\ufeff\x00") {
				t.Errorf("%s(%q) = %q", name, p, err)
			}
		}
	}
	if err := Query("pve", "/.hidden"); err != nil {
		t.Errorf(`Query("pve") is not PVEQuery: %v`, err)
	}
	if err := Query("pbs", "/.hidden"); err == nil {
		t.Errorf(`Query("pbs") is not PBSQuery`)
	}
}

func TestQueryMessages(t *testing.T) {
	for path, want := range map[string]string{
		"":                            `invalid ACL path '': empty (the root is '/')`,
		"datastore":                   `invalid ACL path 'datastore': not absolute (must start with '/')`,
		"/datastore/store1/../secret": `invalid ACL path '/datastore/store1/../secret': a '.' or '..' component is not part of any ACL path`,
		"/datastore/st ore":           `invalid ACL path '/datastore/st ore': component 'st ore' is not a SAFE_ID`,
		"/a/\x1b[2J":                  `invalid ACL path '/a/\x1b[2J': component '\x1b[2J' is not a SAFE_ID`,
	} {
		if err := PBSQuery(path); err == nil || err.Error() != want {
			t.Errorf("PBSQuery(%q) = %v, want %s", path, err, want)
		}
	}
	// a huge path gives a short message that states its size
	err := PBSQuery("/" + strings.Repeat("x y", 2<<20))
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "bytes)") {
		t.Errorf("huge path: %d-byte message %.200q", len(err.Error()), err)
	}
}

// Dotted is the Rego's dotted_path: "" or the regex (^|/)\.\.?(/|$).
func TestDottedIsTheRegoRule(t *testing.T) {
	re := regexp.MustCompile(`(^|/)\.\.?(/|$)`)
	paths := []string{"", "/", ".", "..", "...", "/.", "/..", "/...", "./", "../", "/./", "/../", "a/.", "a/..",
		"/datastore/s1/../secret", "/datastore/./s1", "/datastore/s1.bak", "/.hidden", "/..x", "/x..", "/x./",
		"//..//", "/a/b/c/..", "/a.b/c", ".a", "a.", "/a/./", "/a/.../b", "..a/..", "x/../"}
	for _, p := range paths {
		want := p == "" || re.MatchString(p)
		if got := Dotted(p); got != want {
			t.Errorf("Dotted(%q) = %v, want %v", p, got, want)
		}
		// every dotted path is refused by the query rule
		if want && (PBSQuery(p) == nil || PVEQuery(p) == nil) {
			t.Errorf("a query rule accepts the dotted path %q", p)
		}
	}
}

func FuzzDotted(f *testing.F) {
	re := regexp.MustCompile(`(^|/)\.\.?(/|$)`)
	for _, s := range []string{"", "/a/../b", "/.x", "x/.", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if got, want := Dotted(p), p == "" || re.MatchString(p); got != want {
			t.Fatalf("Dotted(%q) = %v, want %v", p, got, want)
		}
		if Dotted(p) && (PBSQuery(p) == nil || PVEQuery(p) == nil) {
			t.Fatalf("a query rule accepts the dotted path %q", p)
		}
	})
}

// Schema is ACL_PATH_SCHEMA (§7), the rule for writing an ACL entry.
func TestSchema(t *testing.T) {
	for _, p := range []string{"/", "/datastore", "/datastore/store1/ns1", "/" + strings.Repeat("a", 127)} {
		if err := Schema(p); err != nil {
			t.Errorf("Schema(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "//", "/a/", "a", "/a b", "/-a", "/.", "/..", "/a/../b", "/" + strings.Repeat("a", 128)} {
		if err := Schema(p); err == nil {
			t.Errorf("Schema(%q) accepted", p)
		}
	}
}

// TestPVENormalize is normalize_path's table (pve §1.3).
func TestPVENormalize(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "//vms//100/": "/vms/100", "vms": "/vms", "/": "/", "/a b": "",
		"///": "/", "/pool/p1/": "/pool/p1", "/ä": "", "/a:b": "", "/a.b/c-d_e": "/a.b/c-d_e",
		"/vms/\v": "", "a//b": "/a/b",
	} {
		got, ok := PVENormalize(in)
		if got != want || ok != (want != "") {
			t.Errorf("PVENormalize(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestDefaultPermissionPaths: the one default-path list of `user
// permissions`, per flavor; each call returns a fresh slice.
func TestDefaultPermissionPaths(t *testing.T) {
	for _, tt := range []struct {
		flavor config.Flavor
		want   []string
	}{
		{config.PBS, []string{"/", "/access", "/datastore", "/remote", "/system"}},
		{"", []string{"/", "/access", "/datastore", "/remote", "/system"}},
		{config.PVE, []string{"/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms"}},
	} {
		got := DefaultPermissionPaths(tt.flavor)
		if !slices.Equal(got, tt.want) {
			t.Errorf("DefaultPermissionPaths(%q) = %v, want %v", tt.flavor, got, tt.want)
		}
		for _, p := range got {
			if err := Query(tt.flavor, p); err != nil {
				t.Errorf("default path %s: %v", p, err)
			}
		}
		got[0] = "changed"
		if DefaultPermissionPaths(tt.flavor)[0] != "/" {
			t.Errorf("DefaultPermissionPaths(%q) shares its slice", tt.flavor)
		}
	}
}
