package tfa

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"
)

// TestRecoveryKAT: an entry is hex(HMAC-SHA256(key = the ASCII of the
// secret's hex string, data = the key text)) (§9). The expected values
// were computed outside Go (Python's hmac module) and again here with
// crypto/hmac directly.
func TestRecoveryKAT(t *testing.T) {
	tests := []struct{ secret, key, want string }{
		{"0123456789abcdef", "0000-1111-2222-3333", "1e5bb1cb813c6001bd09958ed24255e83bca0023b95a8f67d814b102ffc76586"},
		{"a1b2c3d4e5f60718", "1234-5678-9abc-def0", "9092b3b5dae0be3513d443e68f228c07682c31718162d6f69c0b95e3ecbada29"},
	}
	for _, tt := range tests {
		m := hmac.New(sha256.New, []byte(tt.secret)) // the hex text, not its bytes
		m.Write([]byte(tt.key))
		if direct := hex.EncodeToString(m.Sum(nil)); direct != tt.want {
			t.Fatalf("the test's own HMAC %s differs from the known answer %s", direct, tt.want)
		}
		if got := recoveryHash(tt.secret, tt.key); got != tt.want {
			t.Errorf("recoveryHash(%s, %s) = %s, want %s", tt.secret, tt.key, got, tt.want)
		}
	}
	// the PBS-written testdata: root@pam's key 0 is valid, key 3 is used
	f, err := Parse("tfa.json", readTestdata(t, "pbs-tfa.json"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	r := f.User("root@pam").Recovery
	if *r.Entries[0] != "1e5bb1cb813c6001bd09958ed24255e83bca0023b95a8f67d814b102ffc76586" || r.Entries[3] != nil {
		t.Errorf("testdata entries %v", r.Entries)
	}
	if r.use("cccc-dddd-eeee-ffff") {
		t.Error("a used key was accepted")
	}
	if !r.use("0000-1111-2222-3333") || r.Entries[0] != nil || r.use("0000-1111-2222-3333") {
		t.Error("a key did not work exactly once")
	}
	if r.use("0000-1111-2222-3333 ") || r.use("0000-1111-2222-333") || r.use("") {
		t.Error("a variant of a key was accepted")
	}
	if r.Unused() != 8 || len(r.Available()) != 8 || r.Available()[0] != 1 {
		t.Errorf("unused %d available %v", r.Unused(), r.Available())
	}
}

// TestNewRecovery: 10 keys of 8 random bytes as xxxx-xxxx-xxxx-xxxx, a
// 16-hex-digit secret, the entries their HMACs (§9).
func TestNewRecovery(t *testing.T) {
	r, keys, err := newRecovery(1700000000)
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$`)
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(r.Secret) || len(keys) != 10 || len(r.Entries) != 10 || r.Created != 1700000000 {
		t.Fatalf("secret %q, %d keys, %d entries", r.Secret, len(keys), len(r.Entries))
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if !keyRE.MatchString(k) || seen[k] {
			t.Errorf("key %d %q", i, k)
		}
		seen[k] = true
		m := hmac.New(sha256.New, []byte(r.Secret))
		m.Write([]byte(k))
		if *r.Entries[i] != hex.EncodeToString(m.Sum(nil)) {
			t.Errorf("entry %d is not the HMAC of key %d", i, i)
		}
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if !r.use(keys[i]) {
			t.Errorf("key %d refused", i)
		}
	}
	if r.Unused() != 0 {
		t.Errorf("%d keys left", r.Unused())
	}
}
