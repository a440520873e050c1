package shacrypt

import (
	"os/exec"
	"strings"
	"testing"
)

// Test vectors of Drepper's specification (SHA-crypt.txt, SHA-256 part),
// each also checked against glibc/libxcrypt crypt(3) (perl -e 'print
// crypt(...)') and `openssl passwd -5`. Note: the first vector is often
// misquoted as ending "GNooZF1ZBuvT6"; the specification, glibc and
// OpenSSL all give "GNooZaBBGWEc5".
func TestCryptVectors(t *testing.T) {
	tests := []struct{ setting, key, want string }{
		{"$5$saltstring", "Hello world!",
			"$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
		{"$5$rounds=10000$saltstringsaltstring", "Hello world!",
			"$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
		{"$5$rounds=5000$toolongsaltstring", "This is just a test",
			"$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5"},
		{"$5$rounds=1400$anotherlongsaltstring", "a very much longer text to encrypt.  This one even stretches over morethan one line.",
			"$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1"},
		{"$5$rounds=77777$short", "we have a short salt string but not a short password",
			"$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/"},
		{"$5$rounds=123456$asaltof16chars..", "a short string",
			"$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD"},
		{"$5$rounds=10$roundstoolow", "the minimum number is still observed",
			"$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC"},
	}
	for _, tt := range tests {
		got, err := Crypt(tt.key, tt.setting)
		if err != nil || got != tt.want {
			t.Errorf("Crypt(%q, %q) = %q, %v; want %q", tt.key, tt.setting, got, err, tt.want)
		}
		if !Verify(tt.key, tt.want) {
			t.Errorf("Verify(%q, %q) = false", tt.key, tt.want)
		}
		if Verify(tt.key+"x", tt.want) {
			t.Errorf("Verify accepted a wrong key for %q", tt.want)
		}
	}
}

// TestCryptMatchesSystem compares with the system crypt(3) through perl,
// when perl is installed.
func TestCryptMatchesSystem(t *testing.T) {
	perl, err := exec.LookPath("perl")
	if err != nil {
		t.Skip("perl not installed")
	}
	for _, key := range []string{"", "a", "secret-password", strings.Repeat("x", 70), "d63e505a-e3ec-449a-9bc7-1da610d4ccde"} {
		h, err := Hash(key)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(perl, "-e", "print crypt($ARGV[0], $ARGV[1])", key, h).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != h {
			t.Errorf("system crypt(%q, %q) = %q", key, h, out)
		}
	}
}

func TestHash(t *testing.T) {
	h, err := Hash("d63e505a-e3ec-449a-9bc7-1da610d4ccde")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, "$")
	if len(parts) != 4 || parts[1] != "5" || len(parts[2]) != SaltLen || len(parts[3]) != 43 {
		t.Fatalf("Hash = %q, want $5$<16 salt>$<43 hash>", h)
	}
	for _, c := range parts[2] {
		if !strings.ContainsRune(itoa64, c) {
			t.Fatalf("salt char %q not in ./0-9A-Za-z", c)
		}
	}
	if !Verify("d63e505a-e3ec-449a-9bc7-1da610d4ccde", h) || Verify("wrong", h) {
		t.Fatal("Verify of a fresh hash failed")
	}
	h2, _ := Hash("d63e505a-e3ec-449a-9bc7-1da610d4ccde")
	if h2 == h {
		t.Fatal("two hashes share a salt")
	}
}

func TestCryptErrors(t *testing.T) {
	for _, s := range []string{"", "$1$abc", "$5$rounds=x$abc", "$5$rounds=1000"} {
		if _, err := Crypt("k", s); err == nil {
			t.Errorf("Crypt(%q) succeeded", s)
		}
	}
	if Verify("k", "$6$abc$def") {
		t.Error("Verify accepted a $6$ hash")
	}
}
