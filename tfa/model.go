package tfa

import (
	"encoding/json"
	"math"
)

// Factor types, as PBS names them (TfaType).
const (
	TypeTOTP     = "totp"
	TypeWebauthn = "webauthn"
	TypeU2F      = "u2f"
	TypeYubico   = "yubico"
	TypeRecovery = "recovery"
)

// Field orders of PBS's structs, used when pxacl adds a key: TfaConfig,
// TfaUserData (kebab-case), TfaEntry (TfaInfo flattened, then entry),
// TotpEntry and Recovery.
var (
	configOrder   = []string{"u2f", "webauthn", "users"}
	userOrder     = []string{"totp", "u2f", "webauthn", "recovery", "yubico", "totp-locked", "tfa-locked-until"}
	entryOrder    = []string{"id", "description", "created", "enable", "entry"}
	totpOrder     = []string{"totp", "last-count"}
	recoveryOrder = []string{"secret", "entries", "created"}
)

// File is a parsed tfa.json.
type File struct {
	Users []*User // in file order; new users are appended

	top object // the top-level members as read; "users" is rebuilt on write
}

// User is the TFA data of one user (TfaUserData).
type User struct {
	ID       string
	TOTP     []*TOTP
	U2F      []*Entry
	Webauthn []*Entry
	Yubico   []*Entry
	Recovery *Recovery
	// TOTPLocked: 8 consecutive TOTP failures; TOTP is refused until a
	// recovery key is used or an admin unlocks the user.
	TOTPLocked bool
	// LockedUntil: 100 consecutive failures lock every factor until this
	// epoch second; 0 = not locked. An expired lock is dropped on load.
	LockedUntil int64

	obj object
}

// Info is what PBS shows of an entry (TfaInfo): never a secret.
type Info struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Created     int64  `json:"created"`
	Enable      bool   `json:"-"` // default true; written only when false
}

// Entry is a WebAuthn, U2F or Yubico entry: pxacl reads its Info and keeps
// the rest as read.
type Entry struct {
	Info
	obj object
}

// TOTP is a TOTP entry. Its entry is the otpauth URI, or {"totp": URI,
// "last-count": N} once a code has been used (replay protection, §9).
type TOTP struct {
	Info
	Key *Key // parsed from the URI; holds the secret
	// LastCount is the counter of the last accepted code; math.MinInt64
	// when none was accepted (the entry is then the bare URI).
	LastCount int64

	uri     json.RawMessage // the URI's JSON string as read
	entry   object          // the entry object's members, when it is one
	obj     object
	changed bool
}

// NoCount is LastCount of a TOTP entry that never accepted a code.
const NoCount = math.MinInt64

// User returns the user's data, or nil.
func (f *File) User(userid string) *User {
	for _, u := range f.Users {
		if u.ID == userid {
			return u
		}
	}
	return nil
}

// userOrNew returns the user's data, creating it at the end.
func (f *File) userOrNew(userid string) *User {
	if u := f.User(userid); u != nil {
		return u
	}
	u := &User{ID: userid}
	f.Users = append(f.Users, u)
	return u
}

// Empty reports that the user has no second factor left (TfaUserData::
// is_empty: locks do not count).
func (u *User) Empty() bool {
	return len(u.TOTP) == 0 && len(u.U2F) == 0 && len(u.Webauthn) == 0 && len(u.Yubico) == 0 && u.Recovery == nil
}

// Locked reports whether every factor is locked at now (tfa_is_locked:
// now < tfa-locked-until).
func (u *User) Locked(now int64) bool { return u.LockedUntil != 0 && now < u.LockedUntil }

// TypedInfo is one line of a user's factor list (TypedTfaInfo).
type TypedInfo struct {
	Type   string `json:"type"`
	Info          // id, description, created
	Enable *bool  `json:"enable,omitempty"` // omitted when true, as PBS does
}

// Entries lists the user's factors as PBS's list_user_tfa does:
// recovery first (id "recovery"), then TOTP, WebAuthn, U2F and Yubico
// entries in file order.
func (u *User) Entries() []TypedInfo {
	var out []TypedInfo
	add := func(typ string, in Info) {
		ti := TypedInfo{Type: typ, Info: in}
		if !in.Enable {
			no := false
			ti.Enable = &no
		}
		out = append(out, ti)
	}
	if u.Recovery != nil {
		add(TypeRecovery, Info{ID: TypeRecovery, Created: u.Recovery.Created, Enable: true})
	}
	for _, e := range u.TOTP {
		add(TypeTOTP, e.Info)
	}
	for _, e := range u.Webauthn {
		add(TypeWebauthn, e.Info)
	}
	for _, e := range u.U2F {
		add(TypeU2F, e.Info)
	}
	for _, e := range u.Yubico {
		add(TypeYubico, e.Info)
	}
	return out
}
