package pbs

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pxacl/pxacl/internal/safetext"
)

// ParseBool is the one home of the proxmox-schema boolean (§5.1): 1/0,
// on/off, yes/no, true/false, case-insensitive. ok is false for anything
// else; callers word the error for their context (a file's property, a
// command's parameter).
func ParseBool(v string) (b, ok bool) {
	switch strings.ToLower(v) {
	case "1", "on", "yes", "true":
		return true, true
	case "0", "off", "no", "false":
		return false, true
	}
	return false, false
}

// parseBool is ParseBool for a property of a configuration file.
func parseBool(key, v string) (bool, error) {
	b, ok := ParseBool(v)
	if !ok {
		return false, fmt.Errorf("property %s: invalid boolean %s", safetext.Quote(key), safetext.Quote(v))
	}
	return b, nil
}

// parseInt parses a decimal i64 within [lo, hi] (§5.1 expire, §5.4 port).
func parseInt(key, v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("property %s: invalid integer %s", safetext.Quote(key), safetext.Quote(v))
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("property %s: value %s out of range %d..%d", safetext.Quote(key), safetext.Quote(v), lo, hi)
	}
	return n, nil
}

// checkLen checks a single-line string's length in Unicode chars (§5.1;
// control chars are already rejected by ParseSections). max < 0 means no
// upper limit.
func checkLen(key, v string, min, max int) error {
	n := utf8.RuneCountInString(v)
	if n < min {
		return fmt.Errorf("property %s: value %s too short (%d < %d chars)", safetext.Quote(key), safetext.Quote(v), n, min)
	}
	if max >= 0 && n > max {
		return fmt.Errorf("property %s: value %s too long (%d > %d chars)", safetext.Quote(key), safetext.Quote(v), n, max)
	}
	return nil
}
