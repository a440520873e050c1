// YAML output: --output-format yaml renders the JSON document as YAML, so
// both formats always carry the same fields.

package report

import (
	"bytes"
	"encoding/json"
	"io"

	"gopkg.in/yaml.v3"
)

func writeYAML(w io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(numbers(doc)); err != nil {
		return err
	}
	return enc.Close()
}

// numbers turns json.Number into int64 or float64, so YAML shows numbers
// unquoted and integers without an exponent.
func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
