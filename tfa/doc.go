// Package tfa reads, writes and checks the second factors of Proxmox Backup
// Server users exactly as PBS stores and verifies them (docs/semantics.md
// §9): the tfa.json format (otpauth URIs with last-count, recovery keys as
// HMACs with null for used ones, totp-locked, tfa-locked-until), TOTP
// (RFC 6238 through github.com/pquerna/otp, with PBS's URI rules, ±1 step,
// exact code length and replay protection), single-use recovery keys, and
// the lockout counters PBS keeps per user in its challenge-data file.
//
// The package is pure: it turns bytes into a File and back, and decides a
// verification given a File, the user's Counters and the time (so tests
// control the clock). Locking (tfa.json.lock), atomic replacement and the
// challenge-data files are the job of config/pbs/store, like every other
// PBS file; ReadFile is only a lock-free read for queries (PBS replaces
// tfa.json atomically).
//
// A File is lossless: what pxacl does not manage (the top-level webauthn
// and u2f configuration, WebAuthn, U2F and Yubico entries, unknown keys)
// is kept as the raw JSON it was read as, and the order of users and keys
// is kept, so a file written by PBS is written back byte for byte when
// nothing changed. Secrets (TOTP URIs, recovery secrets and hashes) never
// appear in an error message or in Status.
package tfa
