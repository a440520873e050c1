// Fuzz target: the native engine decides as the Rego policies.

package native_test

import (
	"context"
	"maps"
	"math/rand"
	"testing"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/evaluator"
)

// fuzzPair is one random configuration loaded twice: decided natively and
// by OPA on the Rego.
type fuzzPair struct{ native, rego *evaluator.Evaluator }

// loadFuzzPairs builds four PBS and four PVE configurations.
func loadFuzzPairs(f *testing.F) []fuzzPair {
	ctx := context.Background()
	var pairs []fuzzPair
	for i := range 8 {
		name, gen := config.PBS, genPBS
		if i%2 == 1 {
			name, gen = config.PVE, genPVE
		}
		d := f.TempDir()
		if err := gen(rand.New(rand.NewSource(int64(100+i))), d); err != nil {
			f.Fatal(err)
		}
		nat, err := evaluator.FromConfigDir(ctx, d, evaluator.WithFlavor(name))
		if err != nil {
			f.Fatal(err)
		}
		reg, err := evaluator.FromConfigDir(ctx, d, evaluator.WithFlavor(name), evaluator.WithEngine(evaluator.Rego))
		if err != nil {
			f.Fatal(err)
		}
		pairs = append(pairs, fuzzPair{nat, reg})
	}
	return pairs
}

// FuzzNativeMatchesRego decides arbitrary auth ids and paths (odd
// separators, Unicode, '!' and '@' anywhere) both ways and requires the
// same answer.
func FuzzNativeMatchesRego(f *testing.F) {
	for _, id := range append(append([]string{}, pbsUsers...), pveToks...) {
		for _, p := range []string{"/", "//datastore//s1/", "/vms/100", "/pool/p1/sub", "", "/datastore/s1/../s2", "/vms/./100", "/a/..b"} {
			f.Add(uint8(len(id)), id, p, uint8(len(p)), false)
		}
	}
	f.Add(uint8(3), "u1@pve!t1", "/storage/local/", uint8(1), true)
	f.Add(uint8(0), "a@b@c!d", "/ä//ö", uint8(2), false)
	pairs := loadFuzzPairs(f)
	f.Fuzz(func(t *testing.T, which uint8, id, path string, privs uint8, partial bool) {
		p := pairs[int(which)%len(pairs)]
		ctx := context.Background()
		pn, err1 := p.native.Permissions(ctx, id, path)
		pr, err2 := p.rego.Permissions(ctx, id, path)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !maps.Equal(pn, pr) {
			t.Fatalf("permissions(%q, %q): native %v, rego %v", id, path, pn, pr)
		}
		all := append(append([]string{}, pbsPrivs...), pvePrivs...)
		q := evaluator.Query{AuthID: id, Path: path, Partial: partial, Clock: 1_500_000_000, Now: int64(privs) * 10_000_000}
		for i := range int(privs % 4) {
			q.Privileges = append(q.Privileges, all[(int(privs)+i*7)%len(all)])
		}
		an, err1 := p.native.Allowed(ctx, q)
		ar, err2 := p.rego.Allowed(ctx, q)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if an != ar {
			t.Fatalf("allow(%+v): native %v, rego %v", q, an, ar)
		}
	})
}
