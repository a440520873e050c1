package lint

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
)

func TestPVEFindings(t *testing.T) {
	cases := []struct {
		dir, version string
		want         []string
	}{
		{"pve-clean", "", nil},
		{"pve-unknown", "", []string{
			"user.cfg:3 error unknown-subject ghost@pve /vms/100",
			"user.cfg:4 error unknown-subject @nogroup /",
			"user.cfg:5 error unknown-subject alice@pve!gone /storage",
		}},
		{"pve-warnings", "", []string{
			"user.cfg:1 warning pve-warning  ",
			"user.cfg:3 warning pve-warning  ",
			"user.cfg:4 warning pve-warning  ",
			"user.cfg:5 warning pve-warning  ",
		}},
		{"pve-admin", "", []string{ // root@pam and Administrator below / are fine
			"user.cfg:5 warning admin-on-root @admins /",
			"user.cfg:5 warning admin-on-root admin@pve /",
			"user.cfg:5 warning admin-on-root admin@pve!ci /",
		}},
		{"pve-tokens", "", []string{
			"user.cfg:2 info token-no-expiry ops@pve!forever ",
			"user.cfg:3 info token-no-privsep ops@pve!full ",
			"user.cfg:6 info token-clamped ops@pve!sep /vms",
			"user.cfg:7 info token-clamped ops@pve!sep /storage",
		}},
		{"pve-upgrade", "9", []string{
			"user.cfg:2 warning pve-warning  ",
			"user.cfg:2 info removed-in-pve-9 Monitor ",
		}},
		{"pve-upgrade", "8", []string{
			"user.cfg:2 warning removed-in-pve-9 Monitor ",
			"user.cfg:3 info new-in-pve-9 Agent ",
			"user.cfg:3 warning pve-warning  ",
		}},
		{"../../examples/pve", "", []string{
			"user.cfg:3 info token-no-expiry deploy@pve!ci ",
			"user.cfg:5 info token-no-expiry druva@pam!backup ",
			"user.cfg:6 info token-no-expiry druva@pam!full ",
			"user.cfg:6 info token-no-privsep druva@pam!full ",
			"user.cfg:18 info token-clamped druva@pam!backup /",
		}},
	}
	for _, c := range cases {
		t.Run(c.dir+"@"+c.version, func(t *testing.T) {
			dir := filepath.Join("testdata", c.dir)
			res, err := Run(context.Background(), dir, compiler.Options{Flavor: config.PVE, PVEVersion: c.version})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, short(f))
				if f.Message == "" || f.Fix == "" || f.File != filepath.Join(dir, "user.cfg") {
					t.Errorf("incomplete finding %+v", f)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, c.want)
			}
			if n := res.Errors + res.Warnings + res.Infos; n != len(res.Findings) {
				t.Errorf("counts %d != %d", n, len(res.Findings))
			}
		})
	}
}

func TestPVEMessages(t *testing.T) {
	msgs := func(dir, version string) []string {
		t.Helper()
		res, err := Run(context.Background(), filepath.Join("testdata", dir), compiler.Options{Flavor: config.PVE, PVEVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		var m []string
		for _, f := range res.Findings {
			m = append(m, f.Message+" | "+f.Fix)
		}
		return m
	}
	for _, c := range []struct{ dir, version, want string }{
		{"pve-warnings", "", "PVE warns when reading user.cfg: user config - ignore token 'bob@pve!early' - user does not exist"},
		{"pve-warnings", "", "user config - ignore config line: bogus line"},
		{"pve-warnings", "", "user config - ignore invalid privilege 'No.Such'"},
		{"pve-warnings", "", "user config - ignore invalid acl role 'NoSuchRole'"},
		{"pve-unknown", "", "ACL entry on /vms/100 for user ghost@pve, which does not exist in user.cfg"},
		{"pve-unknown", "", "(PVE: ignore invalid acl token 'alice@pve!gone')"},
		{"pve-tokens", "", "token ops@pve!full has all its owner's privileges (privsep=0) | set privsep=1 and give it its own ACL"},
		{"pve-tokens", "", "token ops@pve!sep asks for Datastore.AllocateSpace, Datastore.Audit on /storage in vain: its owner ops@pve lacks them"},
		{"pve-admin", "", "group @admins has Administrator on /"},
		{"pve-upgrade", "9", "role Monitor lists VM.Monitor, removed in PVE 9: PVE 9 ignores it"},
		{"pve-upgrade", "8", "role Monitor lists VM.Monitor, removed in PVE 9: the role loses it on upgrade"},
		{"pve-upgrade", "8", "role Agent lists VM.GuestAgent.Audit, new in PVE 9: PVE 8 ignores it"},
	} {
		m := msgs(c.dir, c.version)
		if !slices.ContainsFunc(m, func(s string) bool { return strings.Contains(s, c.want) }) {
			t.Errorf("%s@%s: no %q in %q", c.dir, c.version, c.want, m)
		}
	}
	if _, err := Run(context.Background(), "testdata/pve-clean", compiler.Options{Flavor: config.PVE, PVEVersion: "7"}); err == nil {
		t.Error("--pve-version 7 accepted")
	}
	if _, err := Run(context.Background(), "testdata/nonexistent", compiler.Options{Flavor: config.PVE}); err == nil {
		t.Error("missing dir accepted")
	}
}
