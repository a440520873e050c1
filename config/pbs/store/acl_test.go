// Tests of ACL paths and ACL updates.

package store

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckACLPath(t *testing.T) {
	ok := []string{"/", "", "/access", "/access/acl", "/access/users", "/access/domains", "/access/openid", "/access/openid/x",
		"/datastore", "/datastore/s", "/datastore/s/1/2/3/4/5/6/7", "/remote", "/remote/r/s/1/2/3/4/5/6/7",
		"/system", "/system/certificates", "/system/disks", "/system/log", "/system/notifications", "/system/status",
		"/system/tasks", "/system/time", "/system/services", "/system/services/x", "/system/network", "/system/network/dns",
		"/system/network/interfaces", "/system/network/interfaces/eth0", "/system/s3-endpoint/e", "/system/encryption-keys/k",
		"/tape", "/tape/device", "/tape/device/d", "/tape/pool/p", "/tape/job/j", "//datastore//s/"}
	bad := []string{"/foo", "/access/acl/x", "/access/openid/x/y", "/access/x", "/datastore/s/1/2/3/4/5/6/7/8",
		"/remote/r/s/1/2/3/4/5/6/7/8", "/system/x", "/system/time/x", "/system/services/x/y", "/system/network/dns/x",
		"/system/network/x", "/system/network/interfaces/a/b", "/tape/drive", "/tape/changer", "/tape/pool/p/x"}
	for _, p := range ok {
		if err := CheckACLPath(p); err != nil {
			t.Errorf("CheckACLPath(%q) = %v", p, err)
		}
	}
	for _, p := range bad {
		err := CheckACLPath(p)
		if err == nil || err.Error() != "invalid acl path '"+p+"'." {
			t.Errorf("CheckACLPath(%q) = %v", p, err)
		}
	}
	for _, p := range []string{"", "//", "/a/", "a", "/a b", "/-a", strings.Repeat("/a", 65)} {
		if ValidateACLPathSchema(p) == nil {
			t.Errorf("ValidateACLPathSchema(%q) accepted", p)
		}
	}
}

func TestUpdateACLErrors(t *testing.T) {
	s := New(copyExample(t))
	tests := []struct {
		u    ACLUpdate
		want string
	}{
		{ACLUpdate{Path: "/foo", Role: "Admin", AuthID: "john@pbs"}, "invalid acl path '/foo'."},
		{ACLUpdate{Path: "/a//b", Role: "Admin", AuthID: "john@pbs"}, "parameter 'path'"},
		{ACLUpdate{Path: "/", Role: "Nope", AuthID: "john@pbs"}, "parameter 'role' - unknown role 'Nope'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "nobody@pbs"}, "no such user 'nobody@pbs'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john@pbs!nope"}, "no such token 'john@pbs!nope'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "@admins"}, "parameter 'group' - groups are currently not supported."},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john"}, "parameter 'auth-id'"},
		{ACLUpdate{Path: "/", Role: "Admin", AuthID: "john@pbs", Digest: strings.Repeat("a", 64)}, ErrModified.Error()},
	}
	for _, tt := range tests {
		err := s.UpdateACL(tt.u)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("UpdateACL(%+v) = %v, want %q", tt.u, err, tt.want)
		}
	}
	// delete of an unknown id at an invalid (but schema-valid) path is fine
	if err := s.UpdateACL(ACLUpdate{Path: "/foo", Role: "Admin", AuthID: "nobody@pbs", Delete: true}); err != nil {
		t.Errorf("delete: %v", err)
	}
	if !errors.Is(CheckDigest(strings.Repeat("b", 64), strings.Repeat("c", 64)), ErrModified) {
		t.Error("ErrModified not wrapped")
	}
}
