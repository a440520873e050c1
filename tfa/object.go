package tfa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// object is a JSON object that keeps its members in file order with their
// raw, compacted values, so that members pxacl does not manage are written
// back exactly as read.
type object []member

type member struct {
	key string
	raw json.RawMessage
}

// parseObject splits a raw JSON object into its members. Duplicate keys
// are an error (serde refuses duplicate struct fields; for maps pxacl is
// stricter than PBS's "last one wins"). Errors name the member by its
// position, never by its key: a key may be anything, a secret included.
func parseObject(raw json.RawMessage, what string) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: invalid JSON", what)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%s: expected an object, found %s", what, kind(raw))
	}
	var o object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: invalid JSON", what)
		}
		key := tok.(string) // object keys are always strings
		if slices.ContainsFunc(o, func(m member) bool { return m.key == key }) {
			return nil, fmt.Errorf("%s: duplicate key (member %d; keys are not shown)", what, len(o)+1)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: invalid JSON", what)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, fmt.Errorf("%s: invalid JSON", what)
		}
		o = append(o, member{key, c.Bytes()})
	}
	return o, nil
}

func (o object) get(key string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.key == key {
			return m.raw, true
		}
	}
	return nil, false
}

// set replaces the value of key in place, or inserts it before the first
// member that comes after it in order (PBS's field order), else at the end.
func (o *object) set(key string, raw json.RawMessage, order []string) {
	for i := range *o {
		if (*o)[i].key == key {
			(*o)[i].raw = raw
			return
		}
	}
	pos := len(*o)
	if at := slices.Index(order, key); at >= 0 {
		for i, m := range *o {
			if j := slices.Index(order, m.key); j > at {
				pos = i
				break
			}
		}
	}
	*o = slices.Insert(*o, pos, member{key, raw})
}

func (o *object) del(key string) {
	*o = slices.DeleteFunc(*o, func(m member) bool { return m.key == key })
}

// appendTo writes the object compactly.
func (o object) appendTo(b []byte) []byte {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m.key)
		b = append(b, ':')
		b = append(b, m.raw...)
	}
	return append(b, '}')
}

func (o object) bytes() json.RawMessage { return o.appendTo(nil) }

// appendString writes s as serde_json does: '"' and '\\' escaped, control
// characters as \b \t \n \f \r or \u00xx, everything else (non-ASCII,
// '<', '/', U+2028) as is.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func jsonString(s string) json.RawMessage { return appendString(nil, s) }

func jsonInt(n int64) json.RawMessage { return strconv.AppendInt(nil, n, 10) }

// kind names the JSON type of a raw value for error messages (never the
// value itself: it may be a secret).
func kind(raw json.RawMessage) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// decodeString decodes a JSON string value.
func decodeString(raw json.RawMessage, what string) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("%s: expected a string, found %s", what, kind(raw))
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: invalid JSON string", what)
	}
	return s, nil
}

// decodeInt decodes an i64 (no fraction, no exponent), as serde does.
func decodeInt(raw json.RawMessage, what string) (int64, error) {
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("%s: number out of range for i64", what)
		}
		return 0, fmt.Errorf("%s: expected an integer, found %s", what, kind(raw))
	}
	return n, nil
}

func decodeBool(raw json.RawMessage, what string) (bool, error) {
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: expected a boolean, found %s", what, kind(raw))
}

// decodeArray splits a JSON array into its raw elements.
func decodeArray(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fmt.Errorf("%s: expected an array, found %s", what, kind(raw))
	}
	var out []json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON array", what)
	}
	return out, nil
}

func appendArray(b []byte, items []json.RawMessage) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return append(b, ']')
}
