package tfa

import "encoding/json"

// Marshal writes the file as PBS's tfa::write does (serde_json::to_vec,
// §9): compact JSON without a trailing newline. Members are written in
// the order they were read, new ones in PBS's field order; values pxacl
// did not change are written as read. As in PBS, empty lists,
// totp-locked false, no tfa-locked-until and an empty users map are
// omitted.
func (f *File) Marshal() []byte {
	top := append(object(nil), f.top...)
	var users object
	for _, u := range f.Users {
		users = append(users, member{u.ID, u.marshal()})
	}
	if len(users) > 0 {
		top.set("users", users.bytes(), configOrder)
	} else {
		top.del("users")
	}
	return top.appendTo(nil)
}

func (u *User) marshal() json.RawMessage {
	o := append(object(nil), u.obj...)
	list := func(key string, items []json.RawMessage) {
		if len(items) == 0 {
			o.del(key)
			return
		}
		o.set(key, appendArray(nil, items), userOrder)
	}
	var totp []json.RawMessage
	for _, t := range u.TOTP {
		totp = append(totp, t.marshal())
	}
	list(TypeTOTP, totp)
	for _, l := range []struct {
		key     string
		entries []*Entry
	}{{TypeU2F, u.U2F}, {TypeWebauthn, u.Webauthn}, {TypeYubico, u.Yubico}} {
		var items []json.RawMessage
		for _, e := range l.entries {
			items = append(items, e.obj.bytes())
		}
		list(l.key, items)
	}
	if u.Recovery != nil {
		o.set(TypeRecovery, u.Recovery.marshal(), userOrder)
	} else {
		o.del(TypeRecovery)
	}
	if u.TOTPLocked {
		o.set("totp-locked", json.RawMessage("true"), userOrder)
	} else {
		o.del("totp-locked")
	}
	if u.LockedUntil != 0 {
		o.set("tfa-locked-until", jsonInt(u.LockedUntil), userOrder)
	} else {
		o.del("tfa-locked-until")
	}
	return o.bytes()
}

func (t *TOTP) marshal() json.RawMessage {
	if !t.changed {
		return t.obj.bytes()
	}
	var entry json.RawMessage
	if t.LastCount == NoCount && len(t.entry) == 0 {
		entry = t.uri
	} else {
		eo := append(object(nil), t.entry...)
		eo.set("totp", t.uri, totpOrder)
		if t.LastCount == NoCount {
			eo.del("last-count")
		} else {
			eo.set("last-count", jsonInt(t.LastCount), totpOrder)
		}
		entry = eo.bytes()
	}
	o := append(object(nil), t.obj...)
	o.set("entry", entry, entryOrder)
	return o.bytes()
}

func (r *Recovery) marshal() json.RawMessage {
	if !r.changed {
		return r.obj.bytes()
	}
	o := append(object(nil), r.obj...)
	var items []json.RawMessage
	for _, e := range r.Entries {
		if e == nil {
			items = append(items, json.RawMessage("null"))
		} else {
			items = append(items, jsonString(*e))
		}
	}
	o.set("secret", jsonString(r.Secret), recoveryOrder)
	o.set("entries", appendArray(nil, items), recoveryOrder)
	o.set("created", jsonInt(r.Created), recoveryOrder)
	return o.bytes()
}
