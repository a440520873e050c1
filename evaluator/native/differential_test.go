// Differential test: the native engine decides as the Rego policies.

package native_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
)

// The native engine is a translation of the Rego policies; these tests
// decide random configurations and random queries both ways (OPA on the
// Rego, and natively) and require the same answers. Configurations are
// small and dense so that every rule meets its edge cases: propagate flags
// on both sides of a replacement (docs/semantics.md §3.2, §3.3), NoAccess,
// tokens and their owners (§4), enable/expire (§4.2), PVE groups, pools and
// privilege separation (docs/semantics.md pve §3.1, §3.2).

var (
	pbsRoles = []string{"Admin", "Audit", "NoAccess", "DatastoreAdmin", "DatastoreReader", "DatastoreBackup", "DatastorePowerUser", "DatastoreAudit", "RemoteAdmin"}
	pbsPaths = []string{"/", "/datastore", "/datastore/s1", "/datastore/s1/ns1", "/datastore/s1/ns1/ns2", "/datastore/s2", "/system", "/system/network", "/access/users", "/remote/r1"}
	pbsUsers = []string{"root@pam", "u1@pbs", "u2@pbs", "u3@pbs", "u4@pbs"}
	pbsToks  = []string{"root@pam!t", "u1@pbs!t1", "u1@pbs!t2", "u2@pbs!t1", "u3@pbs!t1"}
	pbsPrivs = []string{"Datastore.Audit", "Datastore.Backup", "Datastore.Modify", "Datastore.Prune", "Datastore.Read", "Sys.Audit", "Sys.Modify", "Permissions.Modify", "Remote.Read"}

	pveRoles = []string{"PVEAuditor", "PVEVMUser", "PVEVMAdmin", "NoAccess", "PVEDatastoreUser", "Administrator", "custom1"}
	pvePaths = []string{"/", "/vms", "/vms/100", "/vms/101", "/vms/102", "/storage", "/storage/local", "/pool", "/pool/p1", "/pool/p2", "/pool/p1/sub", "/nodes", "/nodes/n1", "/access/groups/g1"}
	pveUsers = []string{"root@pam", "u1@pve", "u2@pve", "u3@pve", "u4@pam"}
	pveToks  = []string{"root@pam!t", "u1@pve!t1", "u1@pve!t2", "u2@pve!t1", "u3@pve!t1"}
	pvePrivs = []string{"VM.Audit", "VM.Console", "VM.PowerMgmt", "VM.Allocate", "Datastore.Audit", "Datastore.AllocateSpace", "Sys.Audit", "Permissions.Modify", "Pool.Audit"}
)

// oddPaths are query paths beyond the configured nodes: deeper than the
// tree, not normalised, empty, dotted (which deny: aclpath.Dotted), names
// with dots (which do not).
var oddPaths = []string{"", "/", "//", "datastore/s1", "/datastore//s1/", "/datastore/s1/ns1/ns2/ns3", "/vms/100/", "/vms/999", "/storage/nfs", "/pool/p1/x", "/nope/deeper/still", "/ä/ö",
	"/datastore/s1/..", "/vms/100/../101", "/./", "/datastore/s1/..x"}

// oddIDs are auth ids that are not configured.
var oddIDs = []string{"ghost@pbs", "ghost@pve", "u1@pbs!nope", "u1@pve!nope", "noat", "x!y", "a@b!c@d", "root@pam!nope", "@pve", "u1@pve!t1!x"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

func expire(r *rand.Rand) int64 {
	switch r.Intn(8) {
	case 0:
		return 1_000_000_000 // past
	case 1:
		return 2_000_000_000 // future
	}
	return 0
}

func subjects(r *rand.Rand, ids []string, groups bool) string {
	n := 1 + r.Intn(3)
	var out []string
	for range n {
		if groups && r.Intn(4) == 0 {
			out = append(out, "@"+pick(r, []string{"g1", "g2", "g3"}))
			continue
		}
		out = append(out, pick(r, ids))
	}
	return strings.Join(out, ",")
}

func roles(r *rand.Rand, all []string) string {
	n := 1 + r.Intn(2)
	var out []string
	for range n {
		out = append(out, pick(r, all))
	}
	return strings.Join(out, ",")
}

// genPBS writes a random PBS configuration into dir.
func genPBS(r *rand.Rand, dir string) error {
	var u strings.Builder
	for _, sec := range []struct {
		kind string
		ids  []string
	}{{"user", pbsUsers}, {"token", pbsToks}} {
		for _, id := range sec.ids {
			fmt.Fprintf(&u, "%s: %s\n", sec.kind, id)
			if r.Intn(8) == 0 {
				u.WriteString("\tenable false\n")
			}
			if e := expire(r); e != 0 {
				fmt.Fprintf(&u, "\texpire %d\n", e)
			}
			u.WriteString("\n")
		}
	}
	var a strings.Builder
	ids := append(append([]string{}, pbsUsers...), pbsToks...)
	for range 8 + r.Intn(24) {
		fmt.Fprintf(&a, "acl:%d:%s:%s:%s\n", r.Intn(2), pick(r, pbsPaths), subjects(r, ids, true), roles(r, pbsRoles))
	}
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(u.String()), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(a.String()), 0o600)
}

// genPVE writes a random PVE user.cfg into dir.
func genPVE(r *rand.Rand, dir string) error {
	var b strings.Builder
	for _, id := range pveUsers {
		en := 1
		if r.Intn(8) == 0 {
			en = 0
		}
		fmt.Fprintf(&b, "user:%s:%d:%d::::::\n", id, en, expire(r))
	}
	for _, id := range pveToks {
		fmt.Fprintf(&b, "token:%s:%d:%d::\n", id, expire(r), r.Intn(2))
	}
	b.WriteString("\n")
	for _, g := range []string{"g1", "g2", "g3"} {
		var members []string
		for _, u := range pveUsers[1:] {
			if r.Intn(2) == 0 {
				members = append(members, u)
			}
		}
		fmt.Fprintf(&b, "group:%s:%s::\n", g, strings.Join(members, ","))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "pool:p1::%s:%s:\n", pick(r, []string{"100", "100,101", "101", ""}), pick(r, []string{"local", ""}))
	fmt.Fprintf(&b, "pool:p2::%s:%s:\n", pick(r, []string{"100", "101", ""}), pick(r, []string{"local", ""}))
	fmt.Fprintf(&b, "pool:p1/sub::%s:%s:\n", pick(r, []string{"102", ""}), pick(r, []string{"local", ""}))
	b.WriteString("\nrole:custom1:VM.Audit,VM.Console,Sys.Audit:\n\n")
	ids := append(append([]string{}, pveUsers...), pveToks...)
	for range 8 + r.Intn(24) {
		fmt.Fprintf(&b, "acl:%d:%s:%s:%s:\n", r.Intn(2), pick(r, pvePaths), subjects(r, ids, true), roles(r, pveRoles))
	}
	return os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(b.String()), 0o600)
}

type flavor struct {
	name              string
	gen               func(*rand.Rand, string) error
	ids, paths, privs []string
}

func TestNativeMatchesRego(t *testing.T) {
	configs := 40
	if testing.Short() {
		configs = 8
	}
	for _, f := range []flavor{
		{"pbs", genPBS, append(append(append([]string{}, pbsUsers...), pbsToks...), oddIDs...), append(append([]string{}, pbsPaths...), oddPaths...), pbsPrivs},
		{"pve", genPVE, append(append(append([]string{}, pveUsers...), pveToks...), oddIDs...), append(append([]string{}, pvePaths...), oddPaths...), pvePrivs},
	} {
		t.Run(f.name, func(t *testing.T) {
			var st stats
			for seed := range configs {
				r := rand.New(rand.NewSource(int64(seed)))
				dir := t.TempDir()
				if err := f.gen(r, dir); err != nil {
					t.Fatal(err)
				}
				compare(t, r, dir, f, &st)
			}
			// the comparison means something only if both answers occur
			t.Logf("%s: %+v", f.name, st)
			if st.allowed*20 < st.decisions || st.nonEmpty*4 < st.decisions || st.allowed == st.decisions {
				t.Fatalf("degenerate sample: %+v", st)
			}
		})
	}
}

type stats struct{ decisions, allowed, nonEmpty int }

// compare decides queries over the configuration in dir both ways.
func compare(t *testing.T, r *rand.Rand, dir string, f flavor, st *stats) {
	t.Helper()
	ctx := context.Background()
	nat, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithFlavor(config.Flavor(f.name)))
	if err != nil {
		cfg, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
		t.Fatalf("%v\n%s", err, cfg)
	}
	reg, err := evaluator.FromConfigDir(ctx, dir, evaluator.WithFlavor(config.Flavor(f.name)), evaluator.WithEngine(evaluator.Rego))
	if err != nil {
		t.Fatal(err)
	}
	if !nat.Native() || reg.Native() {
		t.Fatalf("engines: auto native=%v, rego native=%v", nat.Native(), reg.Native())
	}
	for i := range 150 {
		q := evaluator.Query{AuthID: pick(r, f.ids[:10]), Path: pick(r, f.paths[:len(f.paths)-len(oddPaths)]), Partial: r.Intn(4) == 0}
		if r.Intn(5) == 0 {
			q.AuthID = pick(r, f.ids)
		}
		if r.Intn(4) == 0 {
			q.Path = pick(r, f.paths)
		}
		n := 1 + r.Intn(2)
		if r.Intn(10) == 0 {
			n = 0
		}
		for range n {
			q.Privileges = append(q.Privileges, pick(r, f.privs))
		}
		// the clock (any date) and input.now (only forward)
		q.Clock = pick(r, []int64{0, 1_500_000_000, 2_100_000_000})
		q.Now = pick(r, []int64{0, 1, 1_500_000_000, 2_100_000_000})
		pn, err1 := nat.Permissions(ctx, q.AuthID, q.Path)
		pr, err2 := reg.Permissions(ctx, q.AuthID, q.Path)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !maps.Equal(pn, pr) {
			t.Fatalf("%s: permissions(%q, %q): native %v, rego %v\nconfig in %s", f.name, q.AuthID, q.Path, pn, pr, dump(dir))
		}
		an, err1 := nat.Allowed(ctx, q)
		ar, err2 := reg.Allowed(ctx, q)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		st.decisions++
		if an {
			st.allowed++
		}
		if len(pn) > 0 {
			st.nonEmpty++
		}
		if an != ar {
			t.Fatalf("%s: allow(%+v): native %v, rego %v\nconfig:\n%s", f.name, q, an, ar, dump(dir))
		}
		// every tenth query: the whole verdict, Known and Token included,
		// against the Rego explanation
		if i%10 == 0 {
			vn, err1 := nat.Check(ctx, q)
			vr, err2 := reg.Check(ctx, q)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if vn.Known != vr.Known || vn.Token != vr.Token || vn.Active != vr.Active || vn.Allowed != vr.Allowed {
				t.Fatalf("%s: check(%+v): native %+v, rego %+v\nconfig:\n%s", f.name, q, vn, vr, dump(dir))
			}
		}
	}
}

func dump(dir string) string {
	var b strings.Builder
	for _, n := range []string{"user.cfg", "acl.cfg"} {
		if raw, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			fmt.Fprintf(&b, "--- %s\n%s", n, raw)
		}
	}
	return b.String()
}
