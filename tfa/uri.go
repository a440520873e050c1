package tfa

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pquerna/otp"
)

// TOTP defaults (§9): 6 digits, 30 s, SHA1.
const (
	DefaultDigits = 6
	DefaultPeriod = 30
)

// Key is a parsed otpauth://totp URI. Secret is the shared secret: never
// print it or put it in an error.
type Key struct {
	Secret    []byte
	Digits    int           // u8 in PBS
	Algorithm otp.Algorithm // SHA1, SHA256 or SHA512
	Period    uint64        // seconds
	Issuer    string        // "" and HasIssuer false: none
	HasIssuer bool
	Account   string
}

const uriPrefix = "otpauth://totp/"

// ParseURI parses an otpauth URI as proxmox-tfa's Totp::from_str does
// (§9): the "otpauth://totp/" prefix, a "[issuer:]account" label, then
// '&'-separated key=value parameters: secret (base32), digits, algorithm
// (SHA1/SHA256/SHA512, any case), period, issuer. Any other parameter is
// an error, and so is a parameter without '=' or a missing secret.
//
// Error messages say what is wrong and where (a parameter by its position)
// but never show any part of the URI: a parameter name or value may be the
// secret (a URI pasted without "secret=", or shifted by a stray '&').
func ParseURI(uri string) (*Key, error) {
	rest, ok := strings.CutPrefix(uri, uriPrefix)
	if !ok {
		return nil, errors.New("not an otpauth uri")
	}
	label, query, ok := strings.Cut(rest, "?")
	if !ok {
		return nil, errors.New("missing '?' in otp uri")
	}
	k := &Key{Digits: DefaultDigits, Algorithm: otp.AlgorithmSHA1, Period: DefaultPeriod}
	first, account, hasAccount := strings.Cut(label, ":")
	if hasAccount {
		k.Issuer, k.HasIssuer = lossy(percentDecode(first)), true
		k.Account = lossy(percentDecode(account))
	} else {
		k.Account = lossy(percentDecode(first))
	}
	for i, part := range strings.Split(query, "&") {
		n := i + 1
		rawKey, rawValue, ok := strings.Cut(part, "=")
		key := percentDecode(rawKey)
		if !utf8.ValidString(key) {
			return nil, fmt.Errorf("parameter %d: failed to decode key", n)
		}
		if !ok {
			return nil, fmt.Errorf("parameter %d: bad value in otpauth uri (no '=')", n)
		}
		value := percentDecode(rawValue)
		switch key {
		case "secret":
			if !utf8.ValidString(value) {
				return nil, errors.New("failed to decode value 'secret'")
			}
			secret, ok := decodeBase32(value)
			if !ok {
				return nil, errors.New("failed to decode otp secret in otpauth url")
			}
			k.Secret = secret
		case "digits":
			n, err := parseRustUint(value, 8, "digits")
			if err != nil {
				return nil, err
			}
			k.Digits = int(n)
		case "algorithm":
			if !utf8.ValidString(value) {
				return nil, errors.New("failed to decode value 'algorithm'")
			}
			a, err := parseAlgorithm(value)
			if err != nil {
				return nil, err
			}
			k.Algorithm = a
		case "period":
			n, err := parseRustUint(value, 64, "period")
			if err != nil {
				return nil, err
			}
			k.Period = n
		case "issuer":
			k.Issuer, k.HasIssuer = lossy(value), true
		default: // the name is not shown: it may be the secret
			return nil, fmt.Errorf("parameter %d: unknown otpauth uri parameter (name not shown)", n)
		}
	}
	if len(k.Secret) == 0 {
		return nil, errors.New("missing secret in otpauth url")
	}
	return k, nil
}

// URI formats the key as proxmox-tfa's Totp::to_uri, the form PBS stores:
// otpauth://totp/[ISSUER:]ACCOUNT?secret=B32&digits=N&algorithm=A&period=P[&issuer=ISSUER],
// issuer and account percent-encoded (every byte but ASCII letters and
// digits), the secret in base32 without padding.
func (k *Key) URI() string {
	var b strings.Builder
	b.WriteString(uriPrefix)
	issuer := ""
	if k.HasIssuer {
		issuer = percentEncode(k.Issuer)
		b.WriteString(issuer + ":")
	}
	fmt.Fprintf(&b, "%s?secret=%s&digits=%d&algorithm=%s&period=%d",
		percentEncode(k.Account), b32.EncodeToString(k.Secret), k.Digits, algorithmName(k.Algorithm), k.Period)
	if k.HasIssuer {
		b.WriteString("&issuer=" + issuer)
	}
	return b.String()
}

// ParseAlgorithm parses SHA1, SHA256 or SHA512 in any case.
func parseAlgorithm(s string) (otp.Algorithm, error) {
	switch strings.ToLower(s) {
	case "sha1":
		return otp.AlgorithmSHA1, nil
	case "sha256":
		return otp.AlgorithmSHA256, nil
	case "sha512":
		return otp.AlgorithmSHA512, nil
	}
	return 0, errors.New("unsupported algorithm (want SHA1, SHA256 or SHA512)")
}

// ParseAlgorithm is the --algorithm option: SHA1, SHA256 or SHA512, any case.
func ParseAlgorithm(s string) (otp.Algorithm, error) { return parseAlgorithm(s) }

func algorithmName(a otp.Algorithm) string {
	switch a {
	case otp.AlgorithmSHA256:
		return "SHA256"
	case otp.AlgorithmSHA512:
		return "SHA512"
	}
	return "SHA1"
}

// parseRustUint parses an unsigned integer as Rust's str::parse does: an
// optional '+', then at least one ASCII digit, no overflow of bits.
func parseRustUint(s string, bits uint, name string) (uint64, error) {
	bad := fmt.Errorf("failed to parse value '%s'", name)
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return 0, bad
	}
	limit := uint64(1)<<bits - 1
	if bits == 64 {
		limit = ^uint64(0)
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, bad
		}
		d := uint64(c - '0')
		if n > (limit-d)/10 {
			return 0, bad
		}
		n = n*10 + d
	}
	return n, nil
}

// percentDecode decodes %XX sequences as the percent-encoding crate does:
// a '%' not followed by two hex digits stays as is, '+' is not a space.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// percentEncode encodes every byte but ASCII letters and digits
// (percent_encoding::NON_ALPHANUMERIC), hex in upper case.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// lossy replaces invalid UTF-8 with U+FFFD (decode_utf8_lossy).
func lossy(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
