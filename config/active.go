package config

// Active is the one rule of an account being usable at now (epoch
// seconds), for users and tokens of both flavors (docs/semantics.md §4.2,
// docs/semantics.md pve §3): it is enabled, and its expiry is 0 (never) or
// later than now. A token is active when it and its owning user are.
func Active(enable bool, expire, now int64) bool {
	return enable && (expire == 0 || expire > now)
}
