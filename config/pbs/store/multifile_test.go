// Tests of removing a user and deleting a token when any of their writes
// fails: every prefix of the writes leaves a safe state.

package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pxacl/pxacl/internal/shacrypt"
)

// failRenameAt makes the n-th rename of ReplaceFile (counting from 1) fail
// with EIO, and counts the renames; n = 0 never fails.
func failRenameAt(t *testing.T, n int) (renames *[]string) {
	t.Helper()
	var seen []string
	testHookRename = func(tmp, target string) error {
		seen = append(seen, filepath.Base(target))
		if len(seen) == n {
			return &osPathError{target, syscall.EIO}
		}
		return nil
	}
	t.Cleanup(func() { testHookRename = nil })
	return &seen
}

type osPathError struct {
	path string
	err  error
}

func (e *osPathError) Error() string { return "rename " + e.path + ": " + e.err.Error() }
func (e *osPathError) Unwrap() error { return e.err }

// identityState is what is left of a user and its tokens in every file.
type identityState struct {
	userExists, userDisabled    bool
	tokens, aclEntries, secrets []string // token ids in user.cfg; ACL ugids of the tokens; token.shadow keys
	password, tfa               bool
}

func stateOf(t *testing.T, s *Store, user string) identityState {
	t.Helper()
	var st identityState
	c, err := s.readUsers()
	if err != nil {
		t.Fatal(err)
	}
	if u := c.User(user); u != nil {
		st.userExists = true
		st.userDisabled = u.Enable != nil && !*u.Enable
	}
	for _, tok := range c.Tokens {
		if strings.HasPrefix(tok.Tokenid, user+"!") {
			st.tokens = append(st.tokens, tok.Tokenid)
		}
	}
	l, err := s.ListACL()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Data {
		if strings.HasPrefix(e.Ugid, user+"!") {
			st.aclEntries = append(st.aclEntries, e.Ugid+" "+e.Path)
		}
	}
	sec, err := s.readSecrets(TokenShadow)
	if err != nil {
		t.Fatal(err)
	}
	for k := range sec {
		if strings.HasPrefix(k, user+"!") {
			st.secrets = append(st.secrets, k)
		}
	}
	pw, err := s.readSecrets(ShadowJSON)
	if err != nil {
		t.Fatal(err)
	}
	_, st.password = pw[strings.TrimSuffix(user, "@pbs")]
	f, err := s.readTFA()
	if err != nil {
		t.Fatal(err)
	}
	st.tfa = f.User(user) != nil
	slices.Sort(st.tokens)
	slices.Sort(st.aclEntries)
	slices.Sort(st.secrets)
	return st
}

// bobStore is a store where bob@pbs has a password, a second factor and
// two tokens with ACL entries and secrets.
func bobStore(t *testing.T) *Store {
	t.Helper()
	s := New(copyExample(t))
	s.Now = func() time.Time { return time.Unix(1700000000, 0) }
	pw := "bobs-password"
	if err := s.CreateUser("bob@pbs", UserFields{}, &pw); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"t1", "t2"} {
		sec, err := s.GenerateToken("bob@pbs", name, TokenFields{}, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateACL(ACLUpdate{Path: "/datastore/store1", Role: "DatastoreAdmin", AuthID: sec.Tokenid, Propagate: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddRecovery("bob@pbs"); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkRecreated: once the old identity is fully gone, a user and token
// created again under the same names have no ACL entry, no secret but the
// new one, no password and no second factor of the old ones.
func checkRecreated(t *testing.T, s *Store) {
	t.Helper()
	old, _ := s.readSecrets(TokenShadow)
	if err := s.CreateUser("bob@pbs", UserFields{}, nil); err != nil {
		t.Fatalf("re-create user: %v", err)
	}
	sec, err := s.GenerateToken("bob@pbs", "t1", TokenFields{}, "")
	if err != nil {
		t.Fatalf("re-create token: %v", err)
	}
	st := stateOf(t, s, "bob@pbs")
	if len(st.aclEntries) != 0 || st.password || st.tfa {
		t.Errorf("re-created bob@pbs inherits: %+v", st)
	}
	now, _ := s.readSecrets(TokenShadow)
	if h := now["bob@pbs!t1"]; h == old["bob@pbs!t1"] || !shacrypt.Verify(sec.Value, h) || len(st.secrets) != 1 {
		t.Errorf("re-created token's secret: %v (old hash kept: %v)", st.secrets, h == old["bob@pbs!t1"])
	}
}

// TestRemoveUserFailureAtEveryWrite injects EIO into each rename of `user
// remove` in turn: after every failure point, either the user is still
// there (disabled as soon as anything else changed, names still taken so
// nothing can be re-created under them) or nothing of it is left; a retry
// finishes the removal; and a re-created user and token inherit no grant,
// secret, password or second factor.
func TestRemoveUserFailureAtEveryWrite(t *testing.T) {
	const writes = 6 // user.cfg (disable), acl.cfg, token.shadow, shadow.json, tfa.json, user.cfg
	wantOrder := []string{"user.cfg", "acl.cfg", "token.shadow", "shadow.json", "tfa.json", "user.cfg"}
	for fail := 1; fail <= writes+1; fail++ {
		t.Run(fmt.Sprintf("rename-%d-fails", fail), func(t *testing.T) {
			s := bobStore(t)
			before := stateOf(t, s, "bob@pbs")
			renames := failRenameAt(t, fail)
			err := s.RemoveUser("bob@pbs", "")
			if fail <= writes {
				if !errors.Is(err, syscall.EIO) {
					t.Fatalf("RemoveUser = %v, want EIO", err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(*renames, ",") != strings.Join(wantOrder, ",") {
					t.Errorf("write order %v, want %v", *renames, wantOrder)
				}
			}
			testHookRename = nil
			st := stateOf(t, s, "bob@pbs")
			changed := fmt.Sprint(st) != fmt.Sprint(before)
			switch {
			case !st.userExists:
				if len(st.tokens)+len(st.aclEntries)+len(st.secrets) != 0 || st.password || st.tfa {
					t.Fatalf("user gone, traces left: %+v", st)
				}
			case changed && !st.userDisabled:
				t.Fatalf("partial removal left the user enabled: %+v", st)
			case len(st.tokens) != 2:
				t.Fatalf("tokens removed before the user: %+v", st)
			}
			if st.userExists {
				if _, err := s.GenerateToken("bob@pbs", "t1", TokenFields{}, ""); err == nil {
					t.Fatal("a token name of a half-removed user could be generated again")
				}
				if err := s.RemoveUser("bob@pbs", ""); err != nil {
					t.Fatalf("retried removal: %v", err)
				}
			}
			checkRecreated(t, s)
		})
	}
}

// TestDeleteTokenFailureAtEveryWrite does the same for `user
// delete-token`: acl.cfg, token.shadow, then user.cfg.
func TestDeleteTokenFailureAtEveryWrite(t *testing.T) {
	const writes = 3
	wantOrder := []string{"acl.cfg", "token.shadow", "user.cfg"}
	for fail := 1; fail <= writes+1; fail++ {
		t.Run(fmt.Sprintf("rename-%d-fails", fail), func(t *testing.T) {
			s := bobStore(t)
			renames := failRenameAt(t, fail)
			err := s.DeleteToken("bob@pbs", "t1", "")
			if fail <= writes != (err != nil) {
				t.Fatalf("DeleteToken = %v", err)
			}
			if fail > writes && strings.Join(*renames, ",") != strings.Join(wantOrder, ",") {
				t.Errorf("write order %v, want %v", *renames, wantOrder)
			}
			testHookRename = nil
			st := stateOf(t, s, "bob@pbs")
			hasToken := strings.Contains(strings.Join(st.tokens, ","), "bob@pbs!t1")
			hasACL := strings.Contains(strings.Join(st.aclEntries, ","), "bob@pbs!t1")
			hasSecret := strings.Contains(strings.Join(st.secrets, ","), "bob@pbs!t1")
			if !hasToken && (hasACL || hasSecret) {
				t.Fatalf("token gone, traces left: %+v", st)
			}
			if hasToken {
				if err := s.DeleteToken("bob@pbs", "t1", ""); err != nil {
					t.Fatalf("retried delete: %v", err)
				}
			}
			sec, err := s.GenerateToken("bob@pbs", "t1", TokenFields{}, "")
			if err != nil {
				t.Fatal(err)
			}
			st = stateOf(t, s, "bob@pbs")
			if strings.Contains(strings.Join(st.aclEntries, ","), "bob@pbs!t1") {
				t.Errorf("re-created token inherits ACL entries: %v", st.aclEntries)
			}
			sm, _ := s.readSecrets(TokenShadow)
			if !shacrypt.Verify(sec.Value, sm["bob@pbs!t1"]) {
				t.Error("re-created token's secret is not the new one")
			}
		})
	}
}
