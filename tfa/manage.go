package tfa

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/internal/uuid"
)

// Errors of the management operations, in PBS's words.
var (
	ErrHasRecovery = errors.New("user already has recovery keys") // PBS wording (staticcheck.conf)
	ErrNoSuchUser  = errors.New("no such user")                   // unlock of a user without TFA data
)

// EntryNotFoundError is delete of an unknown entry id.
type EntryNotFoundError struct{ User, ID string }

func (e *EntryNotFoundError) Error() string {
	return fmt.Sprintf("no such tfa entry: %s/%s", safetext.Value(e.User), safetext.Value(e.ID))
}

// AddTOTP adds a TOTP entry for key and returns its id (TfaConfig::
// add_totp): a new random UUID, created = now, enabled, no last-count (the
// confirmation code checked before may still be used once, as in PBS).
func (f *File) AddTOTP(userid, description string, key *Key, now int64) (string, error) {
	id, err := uuid.New()
	if err != nil {
		return "", err
	}
	t := &TOTP{Info: Info{ID: id, Description: description, Created: now, Enable: true}, Key: key, LastCount: NoCount, changed: true}
	t.uri = jsonString(key.URI())
	t.obj = newEntryObject(t.Info)
	u := f.userOrNew(userid)
	u.TOTP = append(u.TOTP, t)
	return id, nil
}

// newEntryObject is the members of a new entry in TfaEntry's order: id,
// description (omitted when empty), created, enable (omitted when true);
// entry is set on write.
func newEntryObject(in Info) object {
	o := object{{"id", jsonString(in.ID)}}
	if in.Description != "" {
		o = append(o, member{"description", jsonString(in.Description)})
	}
	o = append(o, member{"created", jsonInt(in.Created)})
	if !in.Enable {
		o = append(o, member{"enable", []byte("false")})
	}
	return o
}

// AddRecovery generates the user's recovery keys and returns their texts,
// which are stored nowhere: one set per user.
func (f *File) AddRecovery(userid string, now int64) ([]string, error) {
	if u := f.User(userid); u != nil && u.Recovery != nil {
		return nil, ErrHasRecovery
	}
	r, keys, err := newRecovery(now)
	if err != nil {
		return nil, err
	}
	f.userOrNew(userid).Recovery = r
	return keys, nil
}

// Delete removes the entry id ("recovery" for the recovery keys) of a
// user (methods::delete_tfa); a user left without factors is removed.
func (f *File) Delete(userid, id string) error {
	u := f.User(userid)
	if u == nil {
		return &EntryNotFoundError{userid, id}
	}
	found := false
	del := func(list []*Entry) []*Entry {
		if found {
			return list
		}
		if i := slices.IndexFunc(list, func(e *Entry) bool { return e.ID == id }); i >= 0 {
			found = true
			return slices.Delete(list, i, i+1)
		}
		return list
	}
	// tfa_id_iter's order: totp, webauthn, u2f, yubico, then recovery
	if i := slices.IndexFunc(u.TOTP, func(e *TOTP) bool { return e.ID == id }); i >= 0 {
		u.TOTP = slices.Delete(u.TOTP, i, i+1)
		found = true
	}
	u.Webauthn = del(u.Webauthn)
	u.U2F = del(u.U2F)
	u.Yubico = del(u.Yubico)
	if !found && id == TypeRecovery && u.Recovery != nil {
		u.Recovery = nil
		found = true
	}
	if !found {
		return &EntryNotFoundError{userid, id}
	}
	if u.Empty() {
		f.RemoveUser(userid)
	}
	return nil
}

// RemoveUser drops the user's data and reports whether there was any.
func (f *File) RemoveUser(userid string) bool {
	n := len(f.Users)
	f.Users = slices.DeleteFunc(f.Users, func(u *User) bool { return u.ID == userid })
	return len(f.Users) != n
}

// Unlock clears totp-locked and tfa-locked-until (unlock_and_reset_tfa)
// and reports whether the user was locked at now; the caller resets the
// failure counters. A user without TFA data is ErrNoSuchUser.
func (f *File) Unlock(userid string, now int64) (bool, error) {
	u := f.User(userid)
	if u == nil {
		return false, ErrNoSuchUser
	}
	was := u.TOTPLocked || u.Locked(now)
	u.TOTPLocked = false
	u.LockedUntil = 0
	return was, nil
}
