// Package shacrypt implements SHA-256-crypt ("$5$"), the crypt(3) scheme
// of Ulrich Drepper's specification "Unix crypt using SHA-256 and
// SHA-512" (https://www.akkadia.org/drepper/SHA-crypt.txt). PBS verifies
// such hashes in token.shadow and shadow.json with crypt_r
// (docs/semantics.md §5.2, §5.3).
package shacrypt

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"
)

const (
	// Prefix marks a SHA-256-crypt hash.
	Prefix = "$5$"
	// DefaultRounds is used when the salt names no rounds.
	DefaultRounds = 5000
	// MinRounds and MaxRounds clamp a "rounds=N$" value.
	MinRounds = 1000
	MaxRounds = 999999999
	// SaltLen is the maximal (and generated) salt length.
	SaltLen = 16

	itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// ErrFormat is returned for a setting that is not a "$5$" setting.
var ErrFormat = errors.New("shacrypt: not a $5$ setting")

// Crypt hashes key with setting, a "$5$[rounds=N$]salt[$hash]" string,
// like crypt(3): the salt is cut at the first '$' and to 16 characters;
// rounds are clamped to MinRounds..MaxRounds and written back only when
// the setting named them.
func Crypt(key, setting string) (string, error) {
	rest, ok := strings.CutPrefix(setting, Prefix)
	if !ok {
		return "", ErrFormat
	}
	rounds, custom := DefaultRounds, false
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		num, after, found := strings.Cut(r, "$")
		if !found {
			return "", ErrFormat
		}
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil {
			return "", ErrFormat
		}
		rounds, custom = int(min(max(n, MinRounds), MaxRounds)), true
		rest = after
	}
	salt, _, _ := strings.Cut(rest, "$")
	if len(salt) > SaltLen {
		salt = salt[:SaltLen]
	}
	sum := digest([]byte(key), []byte(salt), rounds)
	var b strings.Builder
	b.WriteString(Prefix)
	if custom {
		b.WriteString("rounds=" + strconv.Itoa(rounds) + "$")
	}
	b.WriteString(salt)
	b.WriteByte('$')
	encode(&b, sum)
	return b.String(), nil
}

// digest is steps 1..21 of the specification.
func digest(key, salt []byte, rounds int) [32]byte {
	// B = SHA256(key salt key)
	h := sha256.New()
	h.Write(key)
	h.Write(salt)
	h.Write(key)
	b := h.Sum(nil)

	// A = SHA256(key salt B-repeated-to-len(key) bits-of-len(key))
	h.Reset()
	h.Write(key)
	h.Write(salt)
	n := len(key)
	for ; n > 32; n -= 32 {
		h.Write(b)
	}
	h.Write(b[:n])
	for n = len(key); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(key)
		}
	}
	a := h.Sum(nil)

	// P: DP = SHA256(key × len(key)), repeated to len(key)
	h.Reset()
	for range len(key) {
		h.Write(key)
	}
	p := repeat(h.Sum(nil), len(key))

	// S: DS = SHA256(salt × (16 + A[0])), repeated to len(salt)
	h.Reset()
	for range 16 + int(a[0]) {
		h.Write(salt)
	}
	s := repeat(h.Sum(nil), len(salt))

	c := a
	for r := range rounds {
		h.Reset()
		if r&1 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if r%3 != 0 {
			h.Write(s)
		}
		if r%7 != 0 {
			h.Write(p)
		}
		if r&1 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(c[:0])
	}
	var out [32]byte
	copy(out[:], c)
	return out
}

func repeat(d []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, d[:min(len(d), n-len(out))]...)
	}
	return out
}

// encode writes the 43-character crypt base64 of the final digest, in the
// byte order of the specification.
func encode(b *strings.Builder, d [32]byte) {
	groups := [10][3]int{
		{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
		{15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29},
	}
	for _, g := range groups {
		b64(b, d[g[0]], d[g[1]], d[g[2]], 4)
	}
	b64(b, 0, d[31], d[30], 3)
}

func b64(b *strings.Builder, b2, b1, b0 byte, n int) {
	w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
	for range n {
		b.WriteByte(itoa64[w&0x3f])
		w >>= 6
	}
}

// Hash hashes key with a fresh random 16-character salt and the default
// rounds: "$5$<salt>$<hash>".
func Hash(key string) (string, error) {
	var raw [SaltLen]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	salt := make([]byte, SaltLen)
	for i, c := range raw {
		salt[i] = itoa64[c&0x3f]
	}
	return Crypt(key, Prefix+string(salt))
}

// Verify reports whether key matches the "$5$" hash, comparing in constant
// time as PBS does.
func Verify(key, hash string) bool {
	got, err := Crypt(key, hash)
	if err != nil {
		return false
	}
	return len(got) == len(hash) && subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
}
