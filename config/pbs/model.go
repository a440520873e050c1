// Package pbs reads and writes the Proxmox Backup Server access-control
// files (user.cfg, acl.cfg, domains.cfg) exactly as PBS does
// (docs/semantics.md §2, §5). It never reads token.shadow, shadow.json or
// tfa.json.
package pbs

// File names inside a PBS configuration directory.
const (
	UserCfg    = "user.cfg"
	ACLCfg     = "acl.cfg"
	DomainsCfg = "domains.cfg"
)

// ParseError is returned by every parser: it names the file, the 1-based
// line (0 when the error is about the whole file) and the offending value.
type ParseError struct {
	File  string
	Line  int
	Value string
	Msg   string
}

// Section is one block of a section-config file (user.cfg, domains.cfg):
// "type: id" followed by "\tkey value" property lines.
type Section struct {
	Type  string
	ID    string
	Props []Prop // in file order
	Line  int    // line of the header
}

// Prop is one property line of a section.
type Prop struct {
	Key   string
	Value string
	Line  int
}

// User is a "user:" section of user.cfg (§5.1).
type User struct {
	Userid    string
	Comment   string
	Enable    *bool  // nil = absent (default true)
	Expire    *int64 // nil = absent (0 = never)
	Firstname string
	Lastname  string
	Email     string
	Line      int

	empty emptyProps // string keys present with an empty value
}

// Token is a "token:" section of user.cfg (§5.1).
type Token struct {
	Tokenid string
	Comment string
	Enable  *bool
	Expire  *int64
	Line    int

	empty emptyProps
}

// UserConfig is a parsed user.cfg. Users and Tokens are in file order.
// root@pam is injected (comment "Superuser") when missing, as PBS does.
type UserConfig struct {
	Users  []*User
	Tokens []*Token
	Digest string // hex SHA-256 of the raw bytes

	order    []string // section ids in parse order, for Write
	userIdx  map[string]*User
	tokenIdx map[string]*Token
}

// Realm is a section of domains.cfg (§5.4).
type Realm struct {
	Type  string // pam, pbs, openid, ldap, ad
	Realm string
	Props []Prop
	Line  int
}

// DomainsConfig is a parsed domains.cfg.
type DomainsConfig struct {
	Realms []*Realm
	Digest string
}

// RoleEntry is one role held by one ugid at one node.
type RoleEntry struct {
	Propagate bool
	Line      int // acl.cfg line that last set it
}

// ACLNode is a node of the ACL tree (§3.1). Users holds users and tokens
// keyed by their Authid string; Groups is keyed by group name (without '@').
type ACLNode struct {
	Users    map[string]map[string]RoleEntry
	Groups   map[string]map[string]RoleEntry
	Children map[string]*ACLNode
}

// ACLTree is a parsed acl.cfg.
type ACLTree struct {
	Root   *ACLNode
	Digest string
}
