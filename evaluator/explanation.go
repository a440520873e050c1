// The structured account of a decision, as data.pxacl.explain returns it.

package evaluator

// Explanation mirrors data.pxacl.explain.
type Explanation struct {
	Allowed     bool            `json:"allowed"`
	InputOK     bool            `json:"input_ok"`
	PathProblem *string         `json:"path_problem"` // why the path denies (empty, "." or ".."), else nil
	AuthID      any             `json:"auth_id"`
	Path        *string         `json:"path"`
	Requested   []string        `json:"requested"`
	Partial     bool            `json:"partial"`
	Superuser   bool            `json:"superuser"`
	Token       bool            `json:"token"`
	Owner       *string         `json:"owner"`
	Active      Activity        `json:"active"`
	ACL         SubjectReport   `json:"acl"`
	OwnerACL    *SubjectReport  `json:"owner_acl"`
	Clamped     []string        `json:"clamped"`
	Privileges  map[string]bool `json:"privileges"`
	Missing     []string        `json:"missing"`
	Groups      []GroupEntry    `json:"groups"`
	Flavor      string          `json:"flavor"`  // pbs or pve
	Privsep     *bool           `json:"privsep"` // PVE tokens: privilege separation
	TFA         *TFAReport      `json:"tfa"`
	// Known: the auth id has a user or token section (root@pam always
	// has one). An unknown id is denied as "no such user" or "no such
	// token", not as disabled or expired.
	Known bool `json:"known"`
	// Listing: no privilege was asked; Grants is the answer (allowed stays
	// false).
	Listing bool `json:"listing"`
	// Grants lists each effective privilege with the roles that give it.
	Grants []Grant `json:"grants"`
}

// Grant is one effective privilege and what grants it.
type Grant struct {
	Privilege string        `json:"privilege"`
	Propagate bool          `json:"propagate"`
	Sources   []GrantSource `json:"sources"`
}

// GrantSource is a role of a deciding ACL entry that holds the privilege,
// or the superuser (Superuser set, no entry).
type GrantSource struct {
	Subject   string `json:"subject"`
	Superuser bool   `json:"superuser,omitempty"`
	Path      string `json:"path,omitempty"`
	Via       string `json:"via,omitempty"` // user, token; PVE: group @g, pool P, ...
	Role      string `json:"role,omitempty"`
	Line      string `json:"line,omitempty"`
}

// TFAReport is the second-factor state of the user (a token's owner), when
// the bundle holds it (§9).
type TFAReport struct {
	User          string   `json:"user"`
	Factors       []string `json:"factors"`       // usable types, sorted
	RecoveryKeys  *int     `json:"recovery_keys"` // unused keys; nil without a set
	TOTPLocked    bool     `json:"totp_locked"`
	LockedUntil   *int64   `json:"locked_until"`   // every factor locked until then
	TokenBypasses bool     `json:"token_bypasses"` // the auth id is a token: no second factor needed
}

// Activity says whether the auth id is active, and why not.
type Activity struct {
	Active   bool     `json:"active"`
	Problems []string `json:"problems"`
}

// SubjectReport is what one subject's own ACL entries give on the path.
type SubjectReport struct {
	Subject    string          `json:"subject"`
	Superuser  bool            `json:"superuser"`
	Entries    []EntryReport   `json:"entries"`
	DecidedAt  *string         `json:"decided_at"`
	Privileges map[string]bool `json:"privileges"`
}

// EntryReport is one ACL node entry of a subject on the path.
type EntryReport struct {
	Path   string       `json:"path"`
	Via    string       `json:"via,omitempty"` // PVE: user, token, group @g, pool P
	Roles  []RoleReport `json:"roles"`
	Status string       `json:"status"` // decides, replaced, not propagated
}

// RoleReport is one role of an entry with its acl.cfg line (empty when
// explained from a bundle file, which holds no lines).
type RoleReport struct {
	Role      string `json:"role"`
	Propagate bool   `json:"propagate"`
	Line      string `json:"line,omitempty"`
}

// GroupEntry is a @group entry on the path (PBS: grants nothing).
type GroupEntry struct {
	Path  string   `json:"path"`
	Group string   `json:"group"`
	Roles []string `json:"roles"`
}
