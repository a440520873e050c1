package cmdtest

import (
	"testing"
	"time"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/tfa"
)

// KnownURI is a TOTP whose secret the tests know (the RFC 6238 SHA1 seed).
const KnownURI = "otpauth://totp/Proxmox%20Backup%20Server:john%40pbs?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=6&algorithm=SHA1&period=30&issuer=Proxmox%20Backup%20Server"

// Enrolled is the fixed time AddTOTP enrolls KnownURI at.
var Enrolled = time.Unix(1750000000, 0)

// TOTPCode is the code of KnownURI at the time at.
func TOTPCode(t testing.TB, at time.Time) string {
	t.Helper()
	k, err := tfa.ParseURI(KnownURI)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// AddTOTP enrolls KnownURI ("phone") for userid in the PBS configuration
// dir at the fixed time Enrolled and returns the entry id.
func AddTOTP(t testing.TB, dir, userid string) string {
	t.Helper()
	s := store.New(dir)
	s.Now = func() time.Time { return Enrolled }
	k, err := s.NewTOTPKey(userid, store.TOTPOptions{URI: KnownURI})
	if err != nil {
		t.Fatal(err)
	}
	desc := "phone"
	id, err := s.AddTOTP(userid, &desc, k, TOTPCode(t, Enrolled))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
