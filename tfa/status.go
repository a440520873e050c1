package tfa

// Status is the state of a user's second factors that is not secret: what
// the bundle, lint and explain may see.
type Status struct {
	// Factors maps each factor type the user has in tfa.json to what is
	// usable of it: the number of enabled TOTP, WebAuthn, U2F or Yubico
	// entries (0 when all are disabled), and for "recovery" the number of
	// unused keys (0 when all are used up).
	Factors map[string]int
	// TOTPLocked: TOTP is locked after 8 consecutive failures.
	TOTPLocked bool
	// LockedUntil: every factor is locked until this epoch second (0: no
	// lock; expired locks were dropped on load).
	LockedUntil int64
}

// Usable reports whether the user has a factor that can be used at all.
func (s Status) Usable() bool {
	for _, n := range s.Factors {
		if n > 0 {
			return true
		}
	}
	return false
}

// Status summarises every user of the file.
func (f *File) Status() map[string]Status {
	out := make(map[string]Status, len(f.Users))
	for _, u := range f.Users {
		out[u.ID] = u.Status()
	}
	return out
}

// Status summarises the user's factors.
func (u *User) Status() Status {
	s := Status{Factors: map[string]int{}, TOTPLocked: u.TOTPLocked, LockedUntil: u.LockedUntil}
	count := func(typ string, n, enabled int) {
		if n > 0 {
			s.Factors[typ] = enabled
		}
	}
	enabledTOTP := 0
	for _, t := range u.TOTP {
		if t.Enable {
			enabledTOTP++
		}
	}
	count(TypeTOTP, len(u.TOTP), enabledTOTP)
	for _, l := range []struct {
		typ     string
		entries []*Entry
	}{{TypeWebauthn, u.Webauthn}, {TypeU2F, u.U2F}, {TypeYubico, u.Yubico}} {
		enabled := 0
		for _, e := range l.entries {
			if e.Enable {
				enabled++
			}
		}
		count(l.typ, len(l.entries), enabled)
	}
	if u.Recovery != nil {
		s.Factors[TypeRecovery] = u.Recovery.Unused()
	}
	return s
}
