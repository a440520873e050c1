package tfa

import (
	"fmt"

	"github.com/pquerna/otp"
)

// Limits of a TOTP key pxacl enrolls (add-totp). PBS reads any key its
// otpauth parser takes (digits 0..255, any period, a 1-byte secret) and its
// API enrolls any of them, although digits above 9 overflow its u32
// arithmetic, digits 0 never match and period 0 makes its verification
// divide by zero. A one-digit code is guessed in a few tries, a 1-byte
// secret in 256 and a day-long period turns the code into a password, so
// pxacl refuses to enroll such keys; it still reads and verifies the ones
// already in tfa.json, as PBS does.
const (
	// MinSecretSize is the shortest secret: 10 bytes (80 bits, 16 base32
	// characters), the size of most services' secrets. RFC 4226 asks for
	// 16 and recommends 20, what pxacl generates (SecretSize).
	MinSecretSize = 10
	// MaxSecretSize bounds the secret (and the URI kept in tfa.json); HMAC
	// gains nothing from keys longer than a SHA-512 block.
	MaxSecretSize = 128
	// MinDigits and MaxDigits: RFC 4226 codes have 6 to 8 digits.
	MinDigits = 6
	MaxDigits = 8
	// MinPeriod and MaxPeriod bound the time step in seconds: RFC 6238
	// recommends 30 (what PBS's web UI enrolls); a code is accepted during
	// three steps (−1, 0, +1), at most 15 minutes with 300.
	MinPeriod = 15
	MaxPeriod = 300
)

// CheckEnroll reports why a key may not be enrolled: a secret of fewer
// than MinSecretSize or more than MaxSecretSize bytes, digits outside
// MinDigits..MaxDigits, a period outside MinPeriod..MaxPeriod seconds or
// an algorithm other than SHA1, SHA256 and SHA512. The error names the
// parameter and the limit, never the secret.
func (k *Key) CheckEnroll() error {
	switch {
	case len(k.Secret) < MinSecretSize:
		return fmt.Errorf("secret is too short (%s): at least %d bytes (%d bits, %d base32 characters) are required",
			bytesText(len(k.Secret)), MinSecretSize, MinSecretSize*8, (MinSecretSize*8+4)/5)
	case len(k.Secret) > MaxSecretSize:
		return fmt.Errorf("secret is too long (%s): at most %d bytes", bytesText(len(k.Secret)), MaxSecretSize)
	case k.Digits < MinDigits || k.Digits > MaxDigits:
		return fmt.Errorf("digits %d is out of range: codes have %d to %d digits", k.Digits, MinDigits, MaxDigits)
	case k.Period < MinPeriod || k.Period > MaxPeriod:
		return fmt.Errorf("period %d is out of range: %d to %d seconds (30 is the standard)", k.Period, MinPeriod, MaxPeriod)
	}
	switch k.Algorithm {
	case otp.AlgorithmSHA1, otp.AlgorithmSHA256, otp.AlgorithmSHA512:
		return nil
	}
	return fmt.Errorf("unsupported algorithm (want SHA1, SHA256 or SHA512)")
}

func bytesText(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
