// Privilege sets: each distinct role map is expanded once into its leaf
// and inherit sets, which get short keys shared by every entry.

package compiler

import (
	"crypto/sha256"
	"encoding/base32"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pxacl/pxacl/catalog"
)

// register assigns privilege-set keys to the role maps of entries not
// seen before; called in walk order, it numbers the sets deterministically.
func (s *setInterner) register(entries []ugidRoles) {
	for _, x := range entries {
		if _, ok := s.byRoles[x.sig]; !ok {
			s.forRoles(x.sig, x.entry.Roles)
		}
	}
}

// entries gives registered entries their set keys and returns them by
// ugid. It only reads the interner, so it may run on many goroutines.
func (s *setInterner) entries(list []ugidRoles) map[string]*Entry {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]*Entry, len(list))
	for _, x := range list {
		k := s.byRoles[x.sig]
		x.entry.Leaf, x.entry.Inherit = k[0], k[1]
		out[x.ugid] = x.entry
	}
	return out
}

// setInterner gives each distinct privilege map a short key, so that a
// million entries share a handful of sets.
type setInterner struct {
	cat        *catalog.Catalog
	sets       map[string]map[string]bool
	byKey      map[string]string
	byRoles    map[string][2]string // role-map signature -> leaf, inherit keys
	pveByRoles map[string]pveSets   // the same for PVE entries, with NoAccess flags
}

func newSetInterner(sets map[string]map[string]bool, cat *catalog.Catalog) *setInterner {
	return &setInterner{cat: cat, sets: sets, byKey: map[string]string{}, byRoles: map[string][2]string{}, pveByRoles: map[string]pveSets{}}
}

// forRoles expands a role map (role -> propagate) into the keys of its leaf
// set (every role, each privilege flagged with its propagate bit) and its
// inherit set (propagating roles only; "" when nothing propagates).
// NoAccess is exclusive per ugid and node (§3.1); in force it yields the
// empty set, which still counts as a non-empty role map (§3.2).
// sig is signature(roles).
func (s *setInterner) forRoles(sig string, roles map[string]bool) (leafKey, inheritKey string) {
	if k, ok := s.byRoles[sig]; ok {
		return k[0], k[1]
	}
	names := sortedKeys(roles)
	leaf := map[string]bool{}
	inherit := map[string]bool{}
	propagates := false
	for _, role := range names {
		prop := roles[role]
		propagates = propagates || prop
		for _, p := range s.cat.RolePrivileges(role) {
			leaf[p] = leaf[p] || prop
			if prop {
				inherit[p] = true
			}
		}
	}
	if _, ok := roles["NoAccess"]; ok {
		leaf, inherit = map[string]bool{}, map[string]bool{}
	}
	leafKey = s.key(leaf)
	if propagates {
		inheritKey = s.key(inherit)
	}
	s.byRoles[sig] = [2]string{leafKey, inheritKey}
	return leafKey, inheritKey
}

func (s *setInterner) key(m map[string]bool) string {
	sig := signature(m)
	if k, ok := s.byKey[sig]; ok {
		return k
	}
	// The key derives from the set's content, not from the order sets
	// are met in: a new set does not renumber the others, so one changed
	// acl.cfg line changes a few members of the document (delta bundles).
	// A collision (35 bits; a document has a few hundred sets) takes the
	// next free suffix.
	sum := sha256.Sum256([]byte(sig))
	k := "s" + strings.ToLower(base32.HexEncoding.EncodeToString(sum[:5])[:7])
	for n := 1; s.sets[k] != nil; n++ {
		k = "s" + strings.ToLower(base32.HexEncoding.EncodeToString(sum[:5])[:7]) + "_" + strconv.Itoa(n)
	}
	s.byKey[sig] = k
	s.sets[k] = m
	return k
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 1 { // most nodes have one subject, most entries one role
		for k := range m {
			return []string{k}
		}
	}
	return slices.Sorted(maps.Keys(m))
}

// signature is a canonical string for a name -> flag map ("A+,B," for
// {A: true, B: false}).
func signature(m map[string]bool) string {
	return signatureOf(m, func(prop bool) bool { return prop })
}

// signatureOf is signature of a role map whose values carry the propagate
// flag in another form (prop reads it).
func signatureOf[V any](m map[string]V, prop func(V) bool) string {
	if len(m) == 1 {
		for n, v := range m {
			if prop(v) {
				return n + "+,"
			}
			return n + ","
		}
	}
	var b strings.Builder
	for _, n := range sortedKeys(m) {
		b.WriteString(n)
		if prop(m[n]) {
			b.WriteByte('+')
		}
		b.WriteByte(',')
	}
	return b.String()
}
