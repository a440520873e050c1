// Splitting a JSON object into its members without decoding the values.

package delta

import (
	"encoding/json"
	"errors"
)

// member is one "key": value of an object; value is a slice of the
// document.
type member struct {
	key   string
	value []byte
}

type object struct {
	list        []member
	hasEmptyKey bool
}

var errSyntax = errors.New("delta: malformed JSON")

// members splits obj, a valid JSON object, into its members in document
// order.
func members(obj []byte) (object, error) {
	var o object
	i := skipSpace(obj, 1)
	if i < len(obj) && obj[i] == '}' {
		return o, nil
	}
	for i < len(obj) {
		if obj[i] != '"' {
			return o, errSyntax
		}
		end, escaped := skipString(obj, i)
		if end < 0 {
			return o, errSyntax
		}
		var key string
		if escaped {
			if err := json.Unmarshal(obj[i:end], &key); err != nil {
				return o, errSyntax
			}
		} else {
			key = string(obj[i+1 : end-1])
		}
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return o, errSyntax
		}
		i = skipSpace(obj, i+1)
		vend := skipValue(obj, i)
		if vend < 0 {
			return o, errSyntax
		}
		o.list = append(o.list, member{key: key, value: obj[i:vend]})
		o.hasEmptyKey = o.hasEmptyKey || key == ""
		i = skipSpace(obj, vend)
		if i >= len(obj) {
			return o, errSyntax
		}
		if obj[i] == '}' {
			return o, nil
		}
		if obj[i] != ',' {
			return o, errSyntax
		}
		i = skipSpace(obj, i+1)
	}
	return o, errSyntax
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the end (past the closing quote) of the string that
// starts at b[i], and whether it has escapes; -1 when unterminated.
func skipString(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// skipValue returns the end of the value that starts at b[i]; -1 when
// malformed.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := skipString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := skipString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default: // number, true, false, null
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}
