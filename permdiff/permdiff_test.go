// Tests of permission diffs, against a brute-force comparison.

package permdiff

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/catalog"
	"github.com/pxacl/pxacl/compiler"
	"github.com/pxacl/pxacl/configgen"
	"github.com/pxacl/pxacl/evaluator"
)

const userCfg = `user: root@pam
	comment Superuser

user: john@pbs

token: john@pbs!ci

user: eve@pbs
	enable false
`

func side(t *testing.T, user, acl string) *Side {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acl.cfg"), []byte(acl), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), dir, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func find(r *Result, id, path string) *Change {
	for i := range r.Changes {
		if r.Changes[i].AuthID == id && r.Changes[i].Path == path {
			return &r.Changes[i]
		}
	}
	return nil
}

func TestSmall(t *testing.T) {
	ctx := context.Background()
	old := side(t, userCfg, "acl:1:/datastore/s1:john@pbs:DatastoreBackup\nacl:1:/datastore/s1:john@pbs!ci:DatastoreBackup\n")
	// john gains DatastoreAdmin (Prune: an escalation); the token keeps
	// Backup only (its own ACL clamps it); eve gets Admin on / but is disabled
	neu := side(t, userCfg, "acl:1:/datastore/s1:john@pbs:DatastoreAdmin\nacl:1:/datastore/s1:john@pbs!ci:DatastoreBackup\nacl:1:/:eve@pbs:Admin\n")
	r, err := Diff(ctx, old, neu, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := find(r, "john@pbs", "/datastore/s1")
	if c == nil {
		t.Fatalf("no change for john: %+v", r)
	}
	if !slices.Equal(c.Gained, []string{"Datastore.Audit", "Datastore.Modify", "Datastore.Prune", "Datastore.Read", "Datastore.Verify"}) || len(c.Lost) != 0 {
		t.Errorf("john gained %v lost %v", c.Gained, c.Lost)
	}
	if !slices.Equal(c.Escalations, []string{"Datastore.Prune"}) {
		t.Errorf("escalations %v", c.Escalations)
	}
	if !slices.Equal(c.GainedBy, []string{"acl.cfg:1: acl:1:/datastore/s1:john@pbs:DatastoreAdmin"}) {
		t.Errorf("gained by %q", c.GainedBy)
	}
	if len(r.Changes) != 1 || !r.Has("gain") || !r.Has("escalation") || !r.Has("any") {
		t.Errorf("changes %+v", r)
	}
	// the token's and eve's entries changed or not; only john is evaluated
	// besides eve (entries changed) — the token's owner changed, so it is too
	if r.Summary.Evaluated != 3 || r.Summary.Identities != 4 {
		t.Errorf("summary %+v", r.Summary)
	}

	// the reverse: john loses, nothing gained
	r, err = Diff(ctx, neu, old, 0)
	if err != nil {
		t.Fatal(err)
	}
	c = find(r, "john@pbs", "/datastore/s1")
	if c == nil || len(c.Lost) != 5 || len(c.Gained) != 0 || r.Has("gain") || r.Has("escalation") || !r.Has("any") {
		t.Fatalf("reverse: %+v", r)
	}
	if !slices.Equal(c.LostBy, []string{"acl.cfg:1: acl:1:/datastore/s1:john@pbs:DatastoreAdmin"}) {
		t.Errorf("lost by %q", c.LostBy)
	}

	// enabling eve (Admin on /) gains everything on every path: escalations
	neu2 := side(t, strings.Replace(userCfg, "\tenable false\n", "", 1), "acl:1:/:eve@pbs:Admin\n")
	old2 := side(t, userCfg, "acl:1:/:eve@pbs:Admin\n")
	r, err = Diff(ctx, old2, neu2, 0)
	if err != nil {
		t.Fatal(err)
	}
	c = find(r, "eve@pbs", "/")
	if c == nil || !slices.Contains(c.Escalations, "Sys.Modify") || len(c.Notes) != 1 || len(c.GainedBy) != 1 {
		t.Fatalf("eve enabled: %+v", c)
	}

	// no change
	r, err = Diff(ctx, old, old, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Has("any") || r.Summary.Evaluated != 0 {
		t.Errorf("identical configs: %+v", r)
	}
}

// TestAgainstBruteForce mutates generated configurations (lines removed,
// lines added) and compares Diff with evaluating allow for every identity,
// path and privilege on both sides.
func TestAgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	privs := catalog.MustLoad("pbs").Privileges
	for _, seed := range []int64{1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			gen := configgen.Generate(configgen.Spec{Entries: 40, Seed: seed})
			oldDir, newDir := t.TempDir(), t.TempDir()
			if err := gen.WriteDir(oldDir); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewSource(seed))
			lines := strings.Split(strings.TrimSpace(string(gen.ACLCfg)), "\n")
			var mutated []string
			for _, l := range lines {
				if r.Intn(6) != 0 { // drop about one line in six
					mutated = append(mutated, l)
				}
			}
			roles := []string{"DatastoreAdmin", "NoAccess", "Admin", "DatastoreReader", "Audit"}
			for i := range 6 {
				id := gen.Users[r.Intn(len(gen.Users))]
				if i%2 == 1 {
					id = gen.Tokens[r.Intn(len(gen.Tokens))]
				}
				p := gen.Paths[r.Intn(len(gen.Paths))]
				mutated = append(mutated, fmt.Sprintf("acl:%d:%s:%s:%s", r.Intn(2), p, id, roles[r.Intn(len(roles))]))
			}
			mutated = append(mutated, "acl:1:/datastore/newstore/ns9:"+gen.Users[0]+":DatastoreBackup")
			c := *gen
			c.ACLCfg = []byte(strings.Join(mutated, "\n") + "\n")
			if err := c.WriteDir(newDir); err != nil {
				t.Fatal(err)
			}
			old, err := Load(ctx, oldDir, compiler.Options{})
			if err != nil {
				t.Fatal(err)
			}
			neu, err := Load(ctx, newDir, compiler.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Diff(ctx, old, neu, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.Changes == 0 || res.Summary.Evaluated >= res.Summary.Identities {
				t.Errorf("summary %+v", res.Summary)
			}
			got := map[string]bool{}
			for _, ch := range res.Changes {
				for _, p := range ch.Gained {
					got["+"+ch.AuthID+" "+ch.Path+" "+p] = true
				}
				for _, p := range ch.Lost {
					got["-"+ch.AuthID+" "+ch.Path+" "+p] = true
				}
			}
			want := map[string]bool{}
			for _, id := range Identities(old.Index, neu.Index) {
				for _, p := range Paths(old.Index, neu.Index) {
					for _, priv := range privs {
						q := evaluator.Query{AuthID: id, Path: p, Privileges: []string{priv}}
						a, err := old.Ev.Allowed(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						b, err := neu.Ev.Allowed(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						switch {
						case b && !a:
							want["+"+id+" "+p+" "+priv] = true
						case a && !b:
							want["-"+id+" "+p+" "+priv] = true
						}
					}
				}
			}
			for k := range want {
				if !got[k] {
					t.Errorf("missing change %s", k)
				}
			}
			for k := range got {
				if !want[k] {
					t.Errorf("spurious change %s", k)
				}
			}
		})
	}
}

// TestPVEPoolLines: on PVE a privilege gained on a pool member comes from
// the /pool/<p> line, held through a group (docs/semantics.md pve §3.2); the lines
// quoted are that one only, not the group's other lines that lack it.
func TestPVEPoolLines(t *testing.T) {
	ctx := context.Background()
	base := "user:alice@pve:1:0::::::\ngroup:ops:alice@pve::\npool:prod::100::\n" +
		"acl:1:/:@ops:PVEAuditor:\nacl:1:/vms/100:alice@pve:PVEAuditor:\n"
	load := func(cfg string) *Side {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "user.cfg"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(ctx, dir, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	r, err := Diff(ctx, load(base), load(base+"acl:1:/pool/prod:@ops:PVEVMUser:\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	c := find(r, "alice@pve", "/vms/100")
	if c == nil || !slices.Contains(c.Gained, "VM.PowerMgmt") {
		t.Fatalf("alice on /vms/100: %+v", r.Changes)
	}
	if want := []string{"user.cfg:6: acl:1:/pool/prod:@ops:PVEVMUser:"}; !slices.Equal(c.GainedBy, want) {
		t.Errorf("gained by %q, want %q", c.GainedBy, want)
	}
}
