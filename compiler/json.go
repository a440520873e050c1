// Writing the document as deterministic JSON, fast at a million entries.

package compiler

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/pxacl/pxacl/config"
)

// JSON returns the document as deterministic JSON: the same document
// always gives the same bytes (acl paths and nodes in tree order, other keys
// sorted). The large parts (acl, nodes, users, tokens) are written by hand:
// encoding/json's reflection dominated compile time at 1M entries.
func (d *Document) JSON() ([]byte, error) {
	kinds := d.kinds()
	// Two halves of about the same size, written on two goroutines and
	// joined: the ACL and the users, then everything else (the tokens,
	// and on PVE the group and pool indexes).
	var acl bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		acl.Grow(d.entries*120 + len(d.Users)*60 + 64)
		acl.WriteString(`{"acl":`)
		writeACL(&acl, d.ACL, d.Nodes, kinds)
		acl.WriteString(`,"group_acl":`)
		writeACL(&acl, d.GroupACL, d.Nodes, kinds)
		acl.WriteString(`,"users":`)
		writeAccounts(&acl, d.Users, steadyKey(d.Meta.Flavor))
	}()
	var rest bytes.Buffer
	rest.Grow(len(d.Nodes)*60 + len(d.Levels)*2 + len(d.Tokens)*100 + len(d.PoolOf)*60 + len(d.UserGroups)*40 + 4096)
	small := []member{
		{"inherits", kinds.inheritSets(d.PrivSets)}, {"kinds", kinds.kinds}, {"lib", d.Lib}, {"meta", d.Meta}, {"privileges", d.Privileges},
		{"privsets", kinds.withLeafSets(d.PrivSets)}, {"roles", d.Roles}, {"sources", d.Sources},
	}
	if err := writeMembers(&rest, small); err != nil {
		<-done
		return nil, err
	}
	rest.WriteString(`,"levels":`)
	writeLevels(&rest, d.Levels)
	if d.Meta.Flavor == config.PVE {
		writePVEMembers(&rest, d)
	}
	if d.TFA != nil {
		if err := writeMembers(&rest, []member{{"tfa", d.TFA}}); err != nil {
			<-done
			return nil, err
		}
	}
	rest.WriteString(`,"tokens":`)
	writeAccounts(&rest, d.Tokens, steadyKey(d.Meta.Flavor))
	rest.WriteString("}\n")
	<-done
	out := make([]byte, 0, acl.Len()+rest.Len())
	return append(append(out, acl.Bytes()...), rest.Bytes()...), nil
}

// member is one small top-level key of the document, written by
// encoding/json.
type member struct {
	key string
	v   any
}

// writeMembers writes `,"key":<json>` for each member.
func writeMembers(b *bytes.Buffer, ms []member) error {
	for _, m := range ms {
		raw, err := json.Marshal(m.v)
		if err != nil {
			return err
		}
		b.WriteString(`,"` + m.key + `":`)
		b.Write(raw)
	}
	return nil
}

// writeLevels writes Document.Levels as 0 and 1.
func writeLevels(b *bytes.Buffer, levels Levels) {
	b.WriteByte('[')
	for i, l := range levels {
		if i > 0 {
			b.WriteByte(',')
		}
		if l {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	b.WriteByte(']')
}

// writeACL writes the paths in tree order (nodes, pre-order with sorted
// children): deterministic without sorting a million keys. Each entry is
// its kind's key.
func writeACL(b *bytes.Buffer, acl map[string]map[string]*Entry, nodes []string, kinds *kindTable) {
	b.WriteByte('{')
	first := true
	for _, path := range nodes {
		if acl[path] == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, path)
		b.WriteString(":{")
		subjects := acl[path]
		for j, s := range sortedKeys(subjects) {
			if j > 0 {
				b.WriteByte(',')
			}
			writeString(b, s)
			b.WriteByte(':')
			writeString(b, kinds.key(subjects[s]))
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

// steadyKey is the JSON key of Account.Steady: the PBS and the PVE fast
// rules each read their own, so neither applies to the other's document.
func steadyKey(f config.Flavor) string {
	if f == config.PVE {
		return "pve_steady"
	}
	return "steady"
}

func writeAccounts(b *bytes.Buffer, m map[string]Account, steadyKey string) {
	b.WriteByte('{')
	for i, id := range sortedKeys(m) {
		if i > 0 {
			b.WriteByte(',')
		}
		a := m[id]
		writeString(b, id)
		b.WriteString(`:{`)
		// A steady account's state and line are left out: it is enabled
		// and never expires, and only explain's message about a disabled
		// or expired account reads the line. So a user.cfg section added
		// above it does not change its record (delta bundles).
		first := true
		field := func(key string) { writeKey(b, &first, key) }
		if a.Steady == "" {
			field("enable")
			b.WriteString(strconv.FormatBool(a.Enable))
			field("expire")
			b.WriteString(strconv.FormatInt(a.Expire, 10))
			field("line")
			b.WriteString(strconv.Itoa(a.Line))
		}
		if a.Privsep != nil {
			field("privsep")
			b.WriteString(strconv.FormatBool(*a.Privsep))
		}
		if a.Owner != "" {
			field("owner")
			writeString(b, a.Owner)
		}
		if a.Steady != "" {
			field(steadyKey)
			writeString(b, a.Steady)
		}
		if a.SoleGroup != nil {
			field("pve_group")
			writeString(b, *a.SoleGroup)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

// writeString writes s as a JSON string; plain printable ASCII (almost
// every Proxmox id and path) is copied as is.
func writeString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			raw, _ := json.Marshal(s) // rare: let encoding/json escape it
			b.Write(raw)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// writePVEMembers writes the PVE-only members, each left out when empty
// as encoding/json's omitempty would. They are written by hand: at 1M
// entries encoding/json's reflection over their 100,000s of keys cost a
// few percent of the compile time.
func writePVEMembers(b *bytes.Buffer, d *Document) {
	writeNonEmpty(b, "pool_noaccess_groups", d.PoolNoAccessGroups, writeSet)
	writeNonEmpty(b, "pool_of", d.PoolOf, writeStrings)
	writeNonEmpty(b, "pool_path", d.PoolPath, writeString)
	writeNonEmpty(b, "user_groups", d.UserGroups, writeSet)
}

// writeNonEmpty writes `,"key":<m>` unless m is empty.
func writeNonEmpty[V any](b *bytes.Buffer, key string, m map[string]V, value func(*bytes.Buffer, V)) {
	if len(m) == 0 {
		return
	}
	b.WriteString(`,"` + key + `":`)
	writeObject(b, m, value)
}

// writeObject writes m as a JSON object, keys sorted, each value with
// value.
func writeObject[V any](b *bytes.Buffer, m map[string]V, value func(*bytes.Buffer, V)) {
	b.WriteByte('{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, k)
		b.WriteByte(':')
		value(b, m[k])
	}
	b.WriteByte('}')
}

// writeSet writes a set of strings as a JSON object of true values.
func writeSet(b *bytes.Buffer, set map[string]bool) {
	writeObject(b, set, func(b *bytes.Buffer, v bool) { b.WriteString(strconv.FormatBool(v)) })
}

// writeStrings writes a JSON array of strings.
func writeStrings(b *bytes.Buffer, xs []string) {
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, x)
	}
	b.WriteByte(']')
}

// writeKey writes `"key":`, after a comma unless *first, which it clears.
func writeKey(b *bytes.Buffer, first *bool, key string) {
	if !*first {
		b.WriteByte(',')
	}
	*first = false
	b.WriteByte('"')
	b.WriteString(key)
	b.WriteString(`":`)
}
