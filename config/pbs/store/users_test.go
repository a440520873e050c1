// Tests of user operations.

package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxacl/pxacl/internal/shacrypt"
)

func TestUserOps(t *testing.T) {
	dir := copyExample(t)
	s := New(dir)
	str := func(v string) *string { return &v }
	yes, no := true, false
	zero, exp := int64(0), int64(1767225600)
	if err := s.CreateUser("bob@pbs", UserFields{Email: str("bob@example.com"), Enable: &yes, Expire: &zero}, str("password123")); err != nil {
		t.Fatal(err)
	}
	users := func() string { b, _ := os.ReadFile(filepath.Join(dir, "user.cfg")); return string(b) }
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\temail bob@example.com\n\tenable true\n\texpire 0\n") {
		t.Fatalf("create stores values as given:\n%s", users())
	}
	if err := s.UpdateUser("bob@pbs", UserFields{Enable: &yes, Expire: &zero, Email: str(""), Comment: str("  hi  ")}, nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\tcomment hi\n") {
		t.Fatalf("update normalisation:\n%s", users())
	}
	if err := s.UpdateUser("bob@pbs", UserFields{Enable: &no, Expire: &exp}, []string{"comment"}, nil, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(users(), "\nuser: bob@pbs\n\tenable false\n\texpire 1767225600\n") {
		t.Fatalf("update enable=false:\n%s", users())
	}
	shadow, _ := os.ReadFile(filepath.Join(dir, ShadowJSON))
	m, _ := s.readSecrets(ShadowJSON)
	if !shacrypt.Verify("password123", m["bob"]) || bytes.Contains(shadow, []byte("password123")) {
		t.Fatalf("shadow.json = %s", shadow)
	}
	if st, _ := os.Stat(filepath.Join(dir, ShadowJSON)); st.Mode().Perm() != 0o600 {
		t.Fatalf("shadow.json mode %v", st.Mode().Perm())
	}
	sec, err := s.GenerateToken("bob@pbs", "ci", TokenFields{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateACL(ACLUpdate{Path: "/datastore/store1", Role: "DatastoreBackup", AuthID: sec.Tokenid, Propagate: true}); err != nil {
		t.Fatal(err)
	}
	tok, _ := s.readSecrets(TokenShadow)
	if !shacrypt.Verify(sec.Value, tok["bob@pbs!ci"]) {
		t.Fatal("token hash does not verify")
	}
	if err := s.RemoveUser("bob@pbs", ""); err != nil {
		t.Fatal(err)
	}
	acl, _ := os.ReadFile(filepath.Join(dir, "acl.cfg"))
	tok, _ = s.readSecrets(TokenShadow)
	m, _ = s.readSecrets(ShadowJSON)
	if strings.Contains(users(), "bob@pbs") || bytes.Contains(acl, []byte("bob@pbs")) || len(tok) != 0 || len(m) != 0 {
		t.Fatalf("remove left traces: acl=%s tokens=%v shadow=%v", acl, tok, m)
	}
	if err := s.RemoveUser("root@pam", ""); err == nil {
		t.Fatal("root@pam removed")
	}
	if err := s.DeleteToken("john@pbs", "client1", ""); err != nil {
		t.Fatal(err)
	}
	acl, _ = os.ReadFile(filepath.Join(dir, "acl.cfg"))
	if bytes.Contains(acl, []byte("john@pbs!client1")) || strings.Contains(users(), "john@pbs!client1") {
		t.Fatal("delete-token left traces")
	}
	if err := s.DeleteToken("john@pbs", "client1", ""); err == nil || err.Error() != "no such token 'john@pbs!client1'" {
		t.Fatalf("second delete = %v", err)
	}
}
