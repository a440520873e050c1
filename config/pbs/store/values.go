// Property values: parsing PBS booleans and checking the length and
// characters of text properties.

package store

import (
	"fmt"
	"unicode/utf8"

	"github.com/pxacl/pxacl/config/pbs"
	"github.com/pxacl/pxacl/internal/safetext"
)

// ParseBool parses a command's boolean parameter (pbs.ParseBool).
func ParseBool(name, v string) (bool, error) {
	b, ok := pbs.ParseBool(v)
	if !ok {
		return false, fmt.Errorf("parameter %s - invalid boolean %s", safetext.Quote(name), safetext.Quote(v))
	}
	return b, nil
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
