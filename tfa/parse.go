package tfa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/internal/cfgfile"
	"github.com/pxacl/pxacl/internal/safetext"
)

// FileName is tfa.json in a PBS configuration directory (§9).
const FileName = "tfa.json"

// ParseError is a malformed tfa.json: File names the file, Line and
// Column (1-based) the place of a JSON syntax error (0 when the error is
// about the content, which Where then names, e.g. "totp entry 1 of user
// 'john@pbs'").
//
// The message says what kind of thing is wrong and where, and never shows
// any part of the file's content but user ids that are valid user ids
// (escaped by safetext): not a key, an entry id, a URI, a parameter name
// or a value, since any of them may carry a secret. It is therefore safe
// for a log, /health or a warning on stderr.
type ParseError struct {
	File         string
	Line, Column int
	Offset       int64 // byte offset of a syntax error
	Where        string
	Msg          string
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s (byte offset %d)", e.File, e.Line, e.Column, e.Msg, e.Offset)
	case e.Where != "":
		return fmt.Sprintf("%s: %s: %s", e.File, e.Where, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ReadFile reads and parses the tfa.json at path without a lock (PBS
// replaces it atomically, so a reader sees a whole file). A missing file
// is an empty configuration, as in PBS; an empty one is an error, as in
// PBS (serde_json: EOF while parsing).
func ReadFile(path string, now int64) (*File, error) {
	data, err := cfgfile.Read(path) // a FIFO or device must not hang or flood the reader
	if errors.Is(err, os.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data, now)
}

// Parse parses tfa.json content as PBS's tfa::read does (§9), naming file
// in errors. A tfa-locked-until before now is dropped, as PBS's
// filter_expired_timestamp does. TOTP URIs are parsed (an unknown URI
// parameter makes the file unreadable for PBS too). Unknown keys are
// kept.
func Parse(file string, data []byte, now int64) (*File, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, syntaxError(file, data, err)
	}
	if !utf8.Valid(data) { // serde_json reads UTF-8 only
		pos := 0
		for pos < len(data) {
			r, n := utf8.DecodeRune(data[pos:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			pos += n
		}
		line := 1 + bytes.Count(data[:pos], []byte("\n"))
		col := pos - bytes.LastIndexByte(data[:pos], '\n')
		return nil, &ParseError{File: file, Line: line, Column: col, Offset: int64(pos), Msg: "invalid UTF-8"}
	}
	p := &parser{file: file, now: now}
	f, err := p.parseFile(raw)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &ParseError{File: file, Msg: err.Error()}
	}
	return f, nil
}

// syntaxError turns an encoding/json error into a ParseError with the
// line and column of its offset. encoding/json's own text is not used: it
// quotes the offending character, which may be part of a secret.
func syntaxError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64
	msg := "invalid JSON syntax"
	switch {
	case errors.As(err, &se):
		off = se.Offset
		if se.Error() == "unexpected end of JSON input" {
			msg = se.Error()
		}
	case errors.As(err, &te):
		off = te.Offset
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &ParseError{File: file, Msg: "empty file, not a JSON object (PBS cannot read it either)"}
	}
	if off == 0 {
		return &ParseError{File: file, Msg: msg}
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	// Offset is the number of bytes read when the error was found: the
	// offending byte is the one before it.
	pos := int(off) - 1
	if pos >= len(data) {
		pos = len(data)
	}
	line := 1 + bytes.Count(data[:pos], []byte("\n"))
	col := pos - bytes.LastIndexByte(data[:pos], '\n')
	return &ParseError{File: file, Line: line, Column: col, Offset: int64(pos), Msg: msg}
}

type parser struct {
	file string
	now  int64
}

func (p *parser) errf(where, format string, args ...any) error {
	return &ParseError{File: p.file, Where: where, Msg: fmt.Sprintf(format, args...)}
}

// wrap turns the "what: msg" errors of the object helpers into a
// ParseError at where.
func (p *parser) wrap(where string, err error) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	return &ParseError{File: p.file, Where: where, Msg: err.Error()}
}

func (p *parser) parseFile(raw json.RawMessage) (*File, error) {
	top, err := parseObject(raw, "top level")
	if err != nil {
		return nil, &ParseError{File: p.file, Msg: err.Error()}
	}
	f := &File{top: top}
	users, ok := top.get("users")
	if !ok {
		return f, nil
	}
	uo, err := parseObject(users, "users")
	if err != nil {
		return nil, &ParseError{File: p.file, Msg: err.Error()}
	}
	for i, m := range uo {
		u, err := p.user(i+1, m.key, m.raw)
		if err != nil {
			return nil, err
		}
		f.Users = append(f.Users, u)
	}
	return f, nil
}

// userPlace names the n-th user of tfa.json in an error: by its id when
// that is a valid user id, else by its position (the key may be anything,
// a secret included).
func userPlace(n int, id string) string {
	if _, err := authid.ParseUserid(id); err == nil {
		return "user " + safetext.Quote(id)
	}
	return fmt.Sprintf("user %d (its key is not a valid user id and is not shown)", n)
}

// entryPlace names the i-th (0-based) entry of a factor list of a user.
func entryPlace(typ string, i int, user string) string {
	return fmt.Sprintf("%s entry %d of %s", typ, i+1, user)
}

func (p *parser) user(n int, id string, raw json.RawMessage) (*User, error) {
	where := userPlace(n, id)
	obj, err := parseObject(raw, "user data")
	if err != nil {
		return nil, p.wrap(where, err)
	}
	u := &User{ID: id, obj: obj}
	for _, m := range obj {
		switch m.key {
		case TypeTOTP:
			items, err := decodeArray(m.raw, "totp")
			if err != nil {
				return nil, p.wrap(where, err)
			}
			for i, it := range items {
				e, err := p.totp(it, entryPlace(TypeTOTP, i, where))
				if err != nil {
					return nil, err
				}
				u.TOTP = append(u.TOTP, e)
			}
		case TypeU2F, TypeWebauthn, TypeYubico:
			items, err := decodeArray(m.raw, m.key)
			if err != nil {
				return nil, p.wrap(where, err)
			}
			var list []*Entry
			for i, it := range items {
				e, err := p.entry(it, entryPlace(m.key, i, where), m.key == TypeYubico)
				if err != nil {
					return nil, err
				}
				list = append(list, e)
			}
			switch m.key {
			case TypeU2F:
				u.U2F = list
			case TypeWebauthn:
				u.Webauthn = list
			default:
				u.Yubico = list
			}
		case TypeRecovery:
			if isNull(m.raw) {
				continue
			}
			r, err := p.recovery(m.raw, "recovery keys of "+where)
			if err != nil {
				return nil, err
			}
			u.Recovery = r
		case "totp-locked":
			b, err := decodeBool(m.raw, m.key)
			if err != nil {
				return nil, p.wrap(where, err)
			}
			u.TOTPLocked = b
		case "tfa-locked-until":
			if isNull(m.raw) {
				continue
			}
			n, err := decodeInt(m.raw, m.key)
			if err != nil {
				return nil, p.wrap(where, err)
			}
			if n >= p.now { // filter_expired_timestamp drops t < now
				u.LockedUntil = n
			}
		}
	}
	return u, nil
}

// info reads the flattened TfaInfo of an entry: id and created are
// required, description defaults to "", enable to true.
func (p *parser) info(obj object, where string) (Info, error) {
	in := Info{Enable: true}
	raw, ok := obj.get("id")
	if !ok {
		return in, p.errf(where, "missing field 'id'")
	}
	var err error
	if in.ID, err = decodeString(raw, "id"); err != nil {
		return in, p.wrap(where, err)
	}
	if raw, ok := obj.get("description"); ok {
		if in.Description, err = decodeString(raw, "description"); err != nil {
			return in, p.wrap(where, err)
		}
	}
	raw, ok = obj.get("created")
	if !ok {
		return in, p.errf(where, "missing field 'created'")
	}
	if in.Created, err = decodeInt(raw, "created"); err != nil {
		return in, p.wrap(where, err)
	}
	if raw, ok := obj.get("enable"); ok {
		if in.Enable, err = decodeBool(raw, "enable"); err != nil {
			return in, p.wrap(where, err)
		}
	}
	return in, nil
}

// entryHead parses what every second-factor entry starts with: the
// object, its TfaInfo fields and its "entry" value. The entry's id is not
// shown in errors (it is content, like the rest of the entry): where names
// the entry by its position.
func (p *parser) entryHead(raw json.RawMessage, where string) (object, Info, string, json.RawMessage, error) {
	obj, err := parseObject(raw, "entry")
	if err != nil {
		return obj, Info{}, where, nil, p.wrap(where, err)
	}
	in, err := p.info(obj, where)
	if err != nil {
		return obj, in, where, nil, err
	}
	v, ok := obj.get("entry")
	if !ok {
		return obj, in, where, nil, p.errf(where, "missing field 'entry'")
	}
	return obj, in, where, v, nil
}

func (p *parser) entry(raw json.RawMessage, where string, yubico bool) (*Entry, error) {
	obj, in, where, v, err := p.entryHead(raw, where)
	if err != nil {
		return nil, err
	}
	if yubico {
		if _, err := decodeString(v, "entry"); err != nil {
			return nil, p.wrap(where, err)
		}
	}
	return &Entry{Info: in, obj: obj}, nil
}

func (p *parser) totp(raw json.RawMessage, where string) (*TOTP, error) {
	obj, in, where, v, err := p.entryHead(raw, where)
	if err != nil {
		return nil, err
	}
	t := &TOTP{Info: in, obj: obj, LastCount: NoCount}
	switch {
	case len(v) > 0 && v[0] == '"':
		t.uri = v
	case len(v) > 0 && v[0] == '{':
		eo, err := parseObject(v, "entry")
		if err != nil {
			return nil, p.wrap(where, err)
		}
		t.entry = eo
		u, ok := eo.get("totp")
		if !ok {
			return nil, p.errf(where, "entry: missing field 'totp'")
		}
		t.uri = u
		if lc, ok := eo.get("last-count"); ok {
			if t.LastCount, err = decodeInt(lc, "entry: last-count"); err != nil {
				return nil, p.wrap(where, err)
			}
		}
	default:
		return nil, p.errf(where, "entry: expected a totp string or a TotpEntry struct, found %s", kind(v))
	}
	uri, err := decodeString(t.uri, "entry: totp")
	if err != nil {
		return nil, p.wrap(where, err)
	}
	if t.Key, err = ParseURI(uri); err != nil { // ParseURI's errors show nothing of the URI
		return nil, p.errf(where, "invalid totp entry: %v", err)
	}
	return t, nil
}

func (p *parser) recovery(raw json.RawMessage, where string) (*Recovery, error) {
	obj, err := parseObject(raw, "recovery")
	if err != nil {
		return nil, p.wrap(where, err)
	}
	r := &Recovery{obj: obj}
	v, ok := obj.get("secret")
	if !ok {
		return nil, p.errf(where, "missing field 'secret'")
	}
	if r.Secret, err = decodeString(v, "secret"); err != nil {
		return nil, p.wrap(where, err)
	}
	v, ok = obj.get("entries")
	if !ok {
		return nil, p.errf(where, "missing field 'entries'")
	}
	items, err := decodeArray(v, "entries")
	if err != nil {
		return nil, p.wrap(where, err)
	}
	for i, it := range items {
		if isNull(it) {
			r.Entries = append(r.Entries, nil)
			continue
		}
		s, err := decodeString(it, "entries["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, p.wrap(where, err)
		}
		r.Entries = append(r.Entries, &s)
	}
	v, ok = obj.get("created")
	if !ok {
		return nil, p.errf(where, "missing field 'created'")
	}
	if r.Created, err = decodeInt(v, "created"); err != nil {
		return nil, p.wrap(where, err)
	}
	return r, nil
}
