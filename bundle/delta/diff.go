// Package delta computes OPA delta bundles between two pxacl bundles: the
// JSON patch (OPA's upsert and remove operations) that turns one data
// document into the other, and the delta bundle that carries it
// (.manifest and /patch.json, no policies, no data files).
//
// The diff knows nothing of the document's layout: it walks two JSON
// texts object by object, compares members byte for byte (the compiler
// writes its JSON deterministically, so an unchanged subtree has the same
// bytes) and descends only into members that differ. Arrays and scalars
// are replaced whole. A member whose operations would weigh more than the
// member itself is upserted whole. Nothing is decoded into Go values: a
// million-entry document costs one index of member offsets per object
// visited, not a tree of interfaces.
//
// Files: diff.go walks the documents; scan.go splits JSON objects into
// members; bundle.go reads and writes bundles (snapshot parts, delta
// bundles).
package delta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Op is one operation of a delta bundle's patch.json.
type Op struct {
	Op    string          `json:"op"` // "upsert" or "remove"
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value,omitempty"`
}

// size is the bytes op takes in patch.json.
func (o Op) size() int { return len(o.Op) + len(o.Path) + len(o.Value) + 30 }

// EscapeSegment escapes one object key for a patch path as OPA parses it
// (internal/json/patch.ParsePatchPathEscaped: storage.ParsePathEscaped
// splits on '/' and URL-path-unescapes each segment, then "~1" becomes
// '/' and "~0" becomes '~', RFC 6901). So '~' is written "~0", '/' "~1"
// and '%' "%25"; nothing else is touched.
func EscapeSegment(key string) string {
	if !strings.ContainsAny(key, "~/%") {
		return key
	}
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		switch c := key[i]; c {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		case '%':
			b.WriteString("%25")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Diff returns the operations that turn the JSON document old into new,
// with paths under prefix (e.g. "/pxacl"; "" for the root, which must
// then be an object on both sides). Both documents must be valid JSON.
// Identical documents give no operation: the caller must not send an
// empty patch (OPA reads a bundle with an empty patch as a snapshot with
// no data, which would wipe data.pxacl).
func Diff(old, new []byte, prefix string) ([]Op, error) {
	old, new = bytes.TrimSpace(old), bytes.TrimSpace(new)
	if !json.Valid(new) {
		return nil, errors.New("delta: the new document is not valid JSON")
	}
	if !json.Valid(old) {
		return nil, errors.New("delta: the old document is not valid JSON")
	}
	if prefix == "" && (!isObject(old) || !isObject(new)) {
		return nil, errors.New("delta: the documents must be JSON objects")
	}
	var ops []Op
	if err := diff(&ops, prefix, old, new); err != nil {
		return nil, err
	}
	return ops, nil
}

func isObject(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// diff appends to ops what turns old into new at path (both trimmed).
func diff(ops *[]Op, path string, old, new []byte) error {
	if bytes.Equal(old, new) {
		return nil
	}
	if !isObject(old) || !isObject(new) {
		*ops = append(*ops, Op{Op: "upsert", Path: path, Value: new})
		return nil
	}
	om, err := members(old)
	if err != nil {
		return err
	}
	nm, err := members(new)
	if err != nil {
		return err
	}
	// An empty key cannot be addressed: OPA trims the path's slashes,
	// so ".../" would name the parent. Replace the object whole.
	if om.hasEmptyKey || nm.hasEmptyKey {
		if path == "" {
			return errors.New("delta: the document root has an empty key")
		}
		*ops = append(*ops, Op{Op: "upsert", Path: path, Value: new})
		return nil
	}
	idx := make(map[string]int, len(om.list))
	for i, m := range om.list {
		idx[m.key] = i
	}
	// Duplicate keys (the last one wins in OPA's decoder): replace the
	// object whole rather than reason about which one counts.
	if len(idx) != len(om.list) || hasDuplicates(nm.list) {
		if path == "" {
			return errors.New("delta: the document root has duplicate keys")
		}
		*ops = append(*ops, Op{Op: "upsert", Path: path, Value: new})
		return nil
	}
	seen := make([]bool, len(om.list))
	for _, m := range nm.list {
		child := path + "/" + EscapeSegment(m.key)
		i, ok := idx[m.key]
		if !ok {
			*ops = append(*ops, Op{Op: "upsert", Path: child, Value: m.value})
			continue
		}
		seen[i] = true
		if bytes.Equal(om.list[i].value, m.value) {
			continue
		}
		start := len(*ops)
		if err := diff(ops, child, om.list[i].value, m.value); err != nil {
			return err
		}
		// the member whole when that is smaller than its operations
		whole := Op{Op: "upsert", Path: child, Value: m.value}
		size := 0
		for _, o := range (*ops)[start:] {
			size += o.size()
		}
		if len(*ops)-start > 1 && size > whole.size() {
			*ops = append((*ops)[:start], whole)
		}
	}
	for i, m := range om.list {
		if !seen[i] {
			*ops = append(*ops, Op{Op: "remove", Path: path + "/" + EscapeSegment(m.key)})
		}
	}
	return nil
}

func hasDuplicates(list []member) bool {
	seen := make(map[string]struct{}, len(list))
	for _, m := range list {
		if _, ok := seen[m.key]; ok {
			return true
		}
		seen[m.key] = struct{}{}
	}
	return false
}

// EncodeOps writes ops as the members of patch.json's "data" array,
// comma-separated, without the brackets: patches of consecutive
// revisions concatenate with a comma.
func EncodeOps(ops []Op) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		raw, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("delta: %w", err)
		}
		b.Write(raw)
	}
	return b.Bytes(), nil
}
