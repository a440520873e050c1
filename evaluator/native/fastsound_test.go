// The fast rules of allow grant nothing the general rules deny.

package native_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator/native"
	"github.com/pxacl/pxacl/policies"
)

// TestFastRulesSound: with the general rules answering false, data.pxacl.allow
// is the fast rules' answer alone (policies/fast_pbs.rego, fast_pve.rego);
// wherever it is true the native engine, which decides as the general
// rules do (TestNativeMatchesRego), must say true as well. The random PVE
// configurations have pools (nested, a storage in several), groups and
// NoAccess everywhere, so the pool indexes (compiler/pools.go) are
// exercised with entries that do and do not reach; the test also requires
// the fast rules to decide a share of the queries, pool members included,
// so that it cannot pass by their never firing.
func TestFastRulesSound(t *testing.T) {
	configs := 40
	if testing.Short() {
		configs = 8
	}
	ctx := context.Background()
	const clock = 1_500_000_000
	for _, f := range []flavor{
		{"pbs", genPBS, append(append([]string{}, pbsUsers...), pbsToks...), pbsPaths, pbsPrivs},
		{"pve", genPVE, append(append([]string{}, pveUsers...), pveToks...), pvePaths, pvePrivs},
		{"pve", genPVEPools, poolIDs, poolPaths, pvePrivs},
	} {
		t.Run(f.name+"/"+f.ids[0], func(t *testing.T) {
			var decided, members int
			for seed := range configs {
				r := rand.New(rand.NewSource(int64(1000 + seed)))
				dir := t.TempDir()
				if err := f.gen(r, dir); err != nil {
					t.Fatal(err)
				}
				doc, err := compiler.Compile(dir, compiler.Options{Flavor: config.Flavor(f.name)})
				if err != nil {
					t.Fatal(err)
				}
				raw, err := doc.JSON()
				if err != nil {
					t.Fatal(err)
				}
				var data map[string]any
				if err := json.Unmarshal(raw, &data); err != nil {
					t.Fatal(err)
				}
				q, err := fastOnlyQuery(ctx, f.name, inmem.NewFromObject(map[string]any{"pxacl": data}))
				if err != nil {
					t.Fatal(err)
				}
				eng := native.New(doc)
				for _, id := range f.ids {
					for _, base := range f.paths {
						for _, path := range []string{base, strings.TrimSuffix(base, "/") + "/x"} {
							for _, p := range f.privs {
								input := map[string]any{"auth_id": id, "path": path, "privileges": []any{p}}
								rs, err := q.Eval(ctx, rego.EvalInput(input))
								if err != nil {
									t.Fatal(err)
								}
								if !rs.Allowed() {
									continue
								}
								decided++
								if strings.HasPrefix(path, "/vms/") || strings.HasPrefix(path, "/storage/") {
									members++
								}
								if !eng.Allowed(native.Query{AuthID: id, Path: path, Privileges: []string{p}, Clock: clock}) {
									t.Fatalf("seed %d: the fast rules grant %s %s on %s, the general rules do not\nconfig in %s", 1000+seed, id, p, path, dump(dir))
								}
							}
						}
					}
				}
			}
			t.Logf("%s: the fast rules decided %d queries alone (%d on /vms or /storage paths)", f.name, decided, members)
			if decided < 10*configs || (f.name == "pve" && members < configs) {
				t.Errorf("the fast rules decided only %d queries (%d on /vms or /storage): the test proves little", decided, members)
			}
		})
	}
}

// fastOnlyQuery prepares data.pxacl.allow on the flavor's bundle modules
// and the store, with the general rules answering false.
func fastOnlyQuery(ctx context.Context, flavor string, store storage.Store) (rego.PreparedEvalQuery, error) {
	opts := []func(*rego.Rego){rego.Query("data.pxacl.allow with data.pxacl.lib.allow as false"), rego.Store(store)}
	for _, m := range policies.ForFlavor(flavor) {
		opts = append(opts, rego.Module(m.Name, string(m.Src)))
	}
	return rego.New(opts...).PrepareForEval(ctx)
}

var (
	poolIDs   = []string{"u1@pve", "u2@pve", "u3@pve", "u4@pve", "u1@pve!t", "u2@pve!t", "u3@pve!t", "u4@pve!t"}
	poolPaths = []string{"/", "/vms", "/pool", "/storage", "/vms/100", "/vms/101", "/vms/102", "/vms/103", "/vms/104", "/storage/local", "/storage/nfs",
		"/pool/p1", "/pool/p2", "/pool/p1/sub", "/pool/p3"}
)

// genPVEPools writes a PVE configuration for the pool rules: accounts that
// are always active (privilege-separated tokens), users in no, one or two
// groups, nested pools, a storage in two pools, and entries with NoAccess
// one time in three on the members, the pools and the top.
func genPVEPools(r *rand.Rand, dir string) error {
	var b strings.Builder
	for _, u := range []string{"u1@pve", "u2@pve", "u3@pve", "u4@pve"} {
		fmt.Fprintf(&b, "user:%s:1:0::::::\n", u)
		fmt.Fprintf(&b, "token:%s!t:0:1::\n", u)
	}
	b.WriteString("\ngroup:g1:u1@pve::\ngroup:g2:u2@pve,u3@pve::\ngroup:g3:u3@pve::\n\n")
	b.WriteString("pool:p1::100:local:\npool:p2::101:local:\npool:p1/sub::102::\npool:p3::103:nfs:\n\n")
	ids := poolIDs
	for range 10 + r.Intn(30) {
		role := pick(r, []string{"PVEVMUser", "PVEAuditor", "PVEDatastoreUser", "custom1"})
		if r.Intn(3) == 0 {
			role = "NoAccess"
		}
		fmt.Fprintf(&b, "acl:%d:%s:%s:%s:\n", r.Intn(2), pick(r, poolPaths), subjects(r, ids, true), role)
	}
	b.WriteString("\nrole:custom1:VM.Audit,VM.Console,Datastore.Audit:\n")
	return os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(b.String()), 0o600)
}
