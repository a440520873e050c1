// Entry kinds: the entries of the data document are keyed by what they
// hold, so that a million entries are a million short strings.

package compiler

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is what every entry with the same role map holds (the role map
// decides the privilege sets and the NoAccess flags): the value of
// data.pxacl.kinds[key]. An entry of data.pxacl.acl or group_acl is the
// key of its kind, and data.pxacl.privsets[key] is the kind's leaf set,
// so that the usual lookup, a subject's leaf set at the target, is two
// store reads as before (docs/benchmarks.md, "Stock OPA: data layout for
// sidecars"); data.pxacl.inherits[key] is the kind's inherit set. The acl.cfg lines of an entry are not in the bundle: a
// changed line number would otherwise change every entry below it
// (delta bundles), and each entry would carry two objects that only
// explain reads. The CLI's explain adds them from the configuration.
type Kind struct {
	Roles           map[string]bool `json:"roles"`
	Leaf            string          `json:"leaf,omitempty"`
	Inherit         string          `json:"inherit,omitempty"`
	NoAccess        bool            `json:"noaccess,omitempty"`
	NoAccessInherit bool            `json:"noaccess_inherit,omitempty"`
}

// kindOf is the kind of an entry.
func kindOf(e *Entry) Kind {
	return Kind{Roles: e.Roles, Leaf: e.Leaf, Inherit: e.Inherit, NoAccess: e.NoAccess, NoAccessInherit: e.NoAccessInherit}
}

// kindTable names the kinds of a document's entries.
type kindTable struct {
	bySig map[string]string // role-map signature -> key
	kinds map[string]Kind   // key -> kind
}

// kinds names every kind of the document's entries. A key derives from
// the role map alone ("k" and 7 base32 characters of its SHA-256): a new
// kind does not rename the others, so one changed acl.cfg line changes a
// few members of the document. Colliding signatures (35 bits; a document
// has a few hundred kinds) take suffixes in signature order.
func (d *Document) kinds() *kindTable {
	t := &kindTable{bySig: map[string]string{}, kinds: map[string]Kind{}}
	reps := map[string]*Entry{}
	for _, acl := range []map[string]map[string]*Entry{d.ACL, d.GroupACL} {
		for _, subjects := range acl {
			for _, e := range subjects {
				sig := e.signature()
				if _, ok := reps[sig]; !ok {
					reps[sig] = e
				}
			}
		}
	}
	sigs := make([]string, 0, len(reps))
	for sig := range reps {
		sigs = append(sigs, sig)
	}
	slices.Sort(sigs)
	for _, sig := range sigs {
		sum := sha256.Sum256([]byte(sig))
		base := "k" + strings.ToLower(base32.HexEncoding.EncodeToString(sum[:5])[:7])
		k := base
		for n := 1; ; n++ {
			if _, taken := t.kinds[k]; !taken {
				break
			}
			k = base + "_" + strconv.Itoa(n)
		}
		t.bySig[sig] = k
		t.kinds[k] = kindOf(reps[sig])
	}
	return t
}

// key is the kind key of an entry of the document the table was made from.
func (t *kindTable) key(e *Entry) string { return t.bySig[e.signature()] }

// signature is the entry's role-map signature: the one the compiler
// recorded, else computed (it never writes to the entry, so a document
// may be written from several goroutines).
func (e *Entry) signature() string {
	if e.sig != "" {
		return e.sig
	}
	return signature(e.Roles)
}

// withLeafSets is the privsets member of the document: the privilege sets
// and, under each kind's key, the kind's leaf set. A PVE kind with NoAccess
// flagged (its sets are left unreduced, pve.rego applies NoAccess to the
// union of a level) has none: the fast rules read these sets as final.
func (t *kindTable) withLeafSets(sets map[string]map[string]bool) map[string]map[string]bool {
	out := make(map[string]map[string]bool, len(sets)+len(t.kinds))
	for k, s := range sets {
		out[k] = s
	}
	for k, kind := range t.kinds {
		if s, ok := sets[kind.Leaf]; ok && !kind.NoAccess {
			out[k] = s
		}
	}
	return out
}

// inheritSets is the inherits member of the document: under each kind's
// key, the kind's inherit set (kinds with no propagating role have none,
// nor a PVE kind with a propagating NoAccess), so that the fast rules read
// a parent's inherit set in two lookups.
func (t *kindTable) inheritSets(sets map[string]map[string]bool) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for k, kind := range t.kinds {
		if s, ok := sets[kind.Inherit]; ok && kind.Inherit != "" && !kind.NoAccessInherit {
			out[k] = s
		}
	}
	return out
}

// documentJSON is Document without its JSON methods.
type documentJSON Document

// UnmarshalJSON reads a document as Document.JSON writes it (a bundle's
// data.pxacl): each entry from its kind, without acl.cfg lines, and the
// privilege sets without the kinds' leaf sets.
func (d *Document) UnmarshalJSON(raw []byte) error {
	var x struct {
		*documentJSON
		ACL      map[string]map[string]string `json:"acl"`
		GroupACL map[string]map[string]string `json:"group_acl"`
		Kinds    map[string]Kind              `json:"kinds"`
	}
	x.documentJSON = (*documentJSON)(d)
	if err := json.Unmarshal(raw, &x); err != nil {
		return err
	}
	entries := make(map[string]*Entry, len(x.Kinds))
	for k, kind := range x.Kinds {
		entries[k] = &Entry{
			Roles: kind.Roles, Leaf: kind.Leaf, Inherit: kind.Inherit,
			NoAccess: kind.NoAccess, NoAccessInherit: kind.NoAccessInherit,
			sig: signature(kind.Roles),
		}
		delete(d.PrivSets, k)
	}
	resolve := func(acl map[string]map[string]string) (map[string]map[string]*Entry, error) {
		out := make(map[string]map[string]*Entry, len(acl))
		for path, subjects := range acl {
			m := make(map[string]*Entry, len(subjects))
			for s, k := range subjects {
				e, ok := entries[k]
				if !ok {
					return nil, fmt.Errorf("acl %q: subject %q: no kind %q", path, s, k)
				}
				m[s] = e
				d.entries++
			}
			out[path] = m
		}
		return out, nil
	}
	var err error
	if d.ACL, err = resolve(x.ACL); err != nil {
		return err
	}
	if d.GroupACL, err = resolve(x.GroupACL); err != nil {
		return err
	}
	d.NodeIndex = make(map[string]Node, len(d.ACL))
	for _, acl := range []map[string]map[string]*Entry{d.ACL, d.GroupACL} {
		for path := range acl {
			d.NodeIndex[path] = Node{}
		}
	}
	return nil
}
