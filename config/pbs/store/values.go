// Property values: parsing PBS booleans and checking the length and
// characters of text properties.

package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseBool parses a PBS boolean (1/0/on/off/yes/no/true/false).
func ParseBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "on", "yes", "true":
		return true, nil
	case "0", "off", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("parameter '%s' - invalid boolean '%s'", name, v)
}

func checkText(name string, v *string, minLen, maxLen int, allowEmpty bool) error {
	if v == nil {
		return nil
	}
	for _, r := range *v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("parameter '%s' - value contains control characters", name)
		}
	}
	n := utf8.RuneCountInString(*v)
	if n == 0 && allowEmpty {
		return nil
	}
	if n < minLen || n > maxLen {
		return fmt.Errorf("parameter '%s' - value must be %d..%d characters long", name, minLen, maxLen)
	}
	return nil
}
