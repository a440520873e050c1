package tfa

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// SecretSize is the size of generated TOTP secrets: 20 bytes (160 bits,
// 32 base32 characters), what the PBS web UI generates and RFC 4226
// recommends.
const SecretSize = 20

// NewKey returns a key with a random secret for account (the user id);
// digits, algorithm and period must pass CheckEnroll.
func NewKey(account string, digits int, alg otp.Algorithm, period uint64, issuer string, hasIssuer bool) (*Key, error) {
	if digits < MinDigits || digits > MaxDigits {
		return nil, fmt.Errorf("parameter 'digits' - must be %d..%d, not %d", MinDigits, MaxDigits, digits)
	}
	if period < MinPeriod || period > MaxPeriod {
		return nil, fmt.Errorf("parameter 'period' - must be %d..%d seconds, not %d", MinPeriod, MaxPeriod, period)
	}
	secret := make([]byte, SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	k := &Key{Secret: secret, Digits: digits, Algorithm: alg, Period: period, Issuer: issuer, HasIssuer: hasIssuer, Account: account}
	if err := k.CheckEnroll(); err != nil {
		return nil, fmt.Errorf("new TOTP key: %w", err)
	}
	return k, nil
}

// Code is the HOTP value for a counter (RFC 4226 dynamic truncation,
// & 0x7fffffff, % 10^digits), computed by github.com/pquerna/otp, as a
// zero-padded decimal string of Digits characters.
func (k *Key) Code(counter uint64) (string, error) {
	if k.Digits < 1 || k.Digits > 9 {
		return "", fmt.Errorf("unsupported number of digits %d", k.Digits)
	}
	return hotp.GenerateCodeCustom(b32.EncodeToString(k.Secret), counter, hotp.ValidateOpts{
		Digits:    otp.Digits(k.Digits),
		Algorithm: k.Algorithm,
	})
}

// Counter is the time step of t (floor(unix seconds / period)).
func (k *Key) Counter(t time.Time) (int64, error) {
	if k.Period == 0 {
		return 0, errors.New("totp period is 0")
	}
	sec := t.Unix()
	if sec < 0 {
		return 0, errors.New("refusing to create otp value for negative time")
	}
	return int64(uint64(sec) / k.Period), nil
}

// CodeAt is the code of the time step containing t.
func (k *Key) CodeAt(t time.Time) (string, error) {
	c, err := k.Counter(t)
	if err != nil {
		return "", err
	}
	return k.Code(uint64(c))
}

// Match checks code against the steps −1, 0, +1 around t, in that order,
// as proxmox-tfa's Totp::verify(value, now, -1..=1) does, and returns the
// counter of the first step that matches. The code must have exactly
// Digits characters and parse as a base-10 u32 (Rust's from_str_radix,
// which takes a leading '+'); anything else never matches. A key PBS
// would choke on (period 0: PBS panics) is an error; digits 0 never
// matches in PBS either; digits above 9 (PBS overflows u32) never match.
func (k *Key) Match(code string, t time.Time) (counter int64, ok bool, err error) {
	now, err := k.Counter(t)
	if err != nil {
		return 0, false, err
	}
	if k.Digits < 1 || k.Digits > 9 || len(code) != k.Digits {
		return 0, false, nil
	}
	given, perr := parseRustU32(code)
	if perr != nil {
		return 0, false, nil
	}
	for step := int64(-1); step <= 1; step++ {
		c := now + step
		want, err := k.Code(uint64(c))
		if err != nil {
			return 0, false, err
		}
		if n, _ := strconv.ParseUint(want, 10, 32); n == given {
			return c, true, nil
		}
	}
	return 0, false, nil
}

// parseRustU32 is u32::from_str_radix(s, 10): an optional '+', then ASCII
// digits only, no overflow.
func parseRustU32(s string) (uint64, error) {
	if len(s) > 0 && s[0] == '-' {
		return 0, errors.New("invalid digit")
	}
	return parseRustUint(s, 32, "code")
}
