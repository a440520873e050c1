package pve

// domains.cfg (/etc/pve/domains.cfg): PVE's realms, read and written as
// PVE::Auth::Plugin does on top of PVE::SectionConfig (pve-semantics §1.5):
//
//   - lines are split on '\n'; lines matching ^\s*# are skipped; an empty
//     line (or "0", which Perl takes for false) ends a section;
//   - a header is "type: id" (^(\S+):\s*(\S+)\s*$, type lower-cased), the
//     id a realm (^[A-Za-z][A-Za-z0-9.\-_]+$); a property is
//     "<ws>key<ws>value";
//   - whatever PVE skips (bad header, unknown type, bad value, unknown or
//     duplicate key, missing required key) becomes a Warning;
//   - the realms pam and pve always exist (injected when missing, with
//     their default comment);
//   - the writer prints each section as "type: id\n", the comment first
//     (percent-encoded), then the type's required options sorted, then the
//     others sorted, booleans as 0/1, and a blank line after every section;
//   - the digest is the SHA-1 of the raw bytes (PVE::SectionConfig).

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"iter"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pxacl/pxacl/internal/safetext"
)

// DomainsCfg is the realm file's name in /etc/pve.
const DomainsCfg = "domains.cfg"

// RealmSection is one realm of domains.cfg. Props hold decoded values
// (the comment percent-decoded, booleans as "0"/"1").
type RealmSection struct {
	Type  string
	ID    string
	Props map[string]string
	Line  int // header line, 0 when injected
}

// DomainsConfig is a parsed PVE domains.cfg; Realms in file order, the
// injected pam and pve last when missing.
type DomainsConfig struct {
	Realms   []*RealmSection
	Digest   string   // hex SHA-1 of the raw bytes
	Warnings []string // what PVE would skip or ignore, with file:line
}

type realmOpt struct {
	required bool
	fixed    bool // can't change value of fixed parameter
}

// realmOptions are each type's options() (PVE::Auth::*), password left
// out: it is never written to domains.cfg.
var realmOptions = func() map[string]map[string]realmOpt {
	basic := map[string]realmOpt{"default": {}, "comment": {}, "tfa": {}}
	ldapish := func(required ...string) map[string]realmOpt {
		m := map[string]realmOpt{}
		for _, k := range []string{"server1", "server2", "base_dn", "bind_dn", "user_attr", "port", "secure",
			"sslversion", "default", "comment", "tfa", "verify", "capath", "cert", "certkey", "filter",
			"sync_attributes", "user_classes", "group_dn", "group_name_attr", "group_filter", "group_classes",
			"sync-defaults-options", "mode", "case-sensitive"} {
			m[k] = realmOpt{}
		}
		for _, k := range required {
			m[k] = realmOpt{required: true}
		}
		return m
	}
	ad := ldapish("server1", "domain")
	openid := map[string]realmOpt{}
	for _, k := range []string{"issuer-url", "client-id"} {
		openid[k] = realmOpt{required: true}
	}
	for _, k := range []string{"client-key", "autocreate", "groups-claim", "groups-autocreate", "groups-overwrite",
		"prompt", "scopes", "acr-values", "audiences", "default", "comment", "query-userinfo"} {
		openid[k] = realmOpt{}
	}
	openid["username-claim"] = realmOpt{fixed: true}
	return map[string]map[string]realmOpt{
		"pam": basic, "pve": basic, "ldap": ldapish("server1", "base_dn", "user_attr"), "ad": ad, "openid": openid,
	}
}()

// RealmTypes are PVE's realm types.
var RealmTypes = []string{"ad", "ldap", "openid", "pam", "pve"}

// RealmOptions lists the options of a realm type, sorted ("password" is
// not one: it is kept in priv/realm/<realm>.pw).
func RealmOptions(typ string) []string {
	return slices.Sorted(mapsKeys(realmOptions[typ]))
}

func mapsKeys[V any](m map[string]V) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var (
	realmRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.\-_]+$`)
	headerRE  = regexp.MustCompile(`^([^ \t\n\r\f\v]+):[ \t\n\r\f\v]*([^ \t\n\r\f\v]+)[ \t\n\r\f\v]*$`)
	propRE    = regexp.MustCompile(`^[ \t\n\r\f\v]+([^ \t\n\r\f\v]+)(?:[ \t\n\r\f\v]+(.*[^ \t\n\r\f\v]))?[ \t\n\r\f\v]*$`)
	commentRE = regexp.MustCompile(`^[ \t\n\r\f\v]*#`)
)

// CheckRealmID is pve_verify_realm with the standard option's maxLength.
func CheckRealmID(id string) error {
	if !realmRE.MatchString(id) {
		return fmt.Errorf("realm: value does not look like a valid realm")
	}
	if len(id) > 32 {
		return fmt.Errorf("realm: value may only be 32 characters long")
	}
	return nil
}

// ParseDomainsCfg parses domains.cfg like PVE::Auth::Plugin::parse_config;
// it never fails: what PVE skips is reported in Warnings.
func ParseDomainsCfg(file string, data []byte) *DomainsConfig {
	sum := sha1.Sum(data)
	c := &DomainsConfig{Digest: hex.EncodeToString(sum[:])}
	lines := strings.Split(string(data), "\n")
	for len(lines) > 0 && lines[len(lines)-1] == "" { // Perl's split drops trailing empty fields
		lines = lines[:len(lines)-1]
	}
	warn := func(n int, format string, a ...any) {
		c.Warnings = append(c.Warnings, fmt.Sprintf("file %s line %d ", file, n)+fmt.Sprintf(format, a...))
	}
	i := 0
	next := func() (string, int, bool) { // $nextline: skips comment lines
		for i < len(lines) {
			l := lines[i]
			i++
			if !commentRE.MatchString(l) {
				return l, i, true
			}
		}
		return "", i, false
	}
	perlTrue := func(s string) bool { return s != "" && s != "0" }
	seen := map[string]bool{}
	for i < len(lines) {
		line, n, ok := next()
		if !ok {
			break
		}
		if !perlTrue(line) {
			continue
		}
		m := headerRE.FindStringSubmatch(line)
		if m == nil {
			warn(n, "- ignore config line: %s", safetext.Quote(line))
			continue
		}
		typ, id := strings.ToLower(m[1]), m[2]
		skip := false
		if !realmRE.MatchString(id) {
			warn(n, "(skip section '%s'): value does not look like a valid realm", safetext.Value(id))
			skip = true
		} else if _, ok := realmOptions[typ]; !ok {
			warn(n, "(skip section '%s'): unsupported type '%s'", safetext.Value(id), safetext.Value(typ))
			skip = true
		}
		sec := &RealmSection{Type: typ, ID: id, Props: map[string]string{}, Line: n}
		for {
			pl, pn, ok := next()
			if !ok || !perlTrue(pl) {
				break
			}
			if skip {
				continue
			}
			pm := propRE.FindStringSubmatch(pl)
			if pm == nil {
				warn(pn, "(section '%s') - ignore config line: %s", safetext.Value(id), safetext.Quote(pl))
				continue
			}
			k, v := pm[1], pm[2]
			if _, dup := sec.Props[k]; dup {
				warn(pn, "(section '%s') - unable to parse value of '%s': duplicate attribute", safetext.Value(id), safetext.Value(k))
				continue
			}
			nv, err := checkRealmValue(typ, k, v, true)
			if err != nil {
				warn(pn, "(section '%s') - unable to parse value of '%s': %v", safetext.Value(id), safetext.Value(k), err)
				continue
			}
			sec.Props[k] = nv
		}
		if skip {
			continue
		}
		if err := checkRequired(typ, sec.Props); err != nil {
			warn(n, "(skip section '%s'): %v", safetext.Value(id), err)
			continue
		}
		if seen[id] {
			warn(n, "(skip section '%s'): duplicate section id", safetext.Value(id))
			continue
		}
		seen[id] = true
		c.Realms = append(c.Realms, sec)
	}
	// the built-in realms: type forced, default comment when none
	for _, b := range []struct{ id, comment string }{{"pam", "Linux PAM standard authentication"}, {"pve", "Proxmox VE authentication server"}} {
		r := c.Realm(b.id)
		if r == nil {
			r = &RealmSection{Type: b.id, ID: b.id, Props: map[string]string{}}
			c.Realms = append(c.Realms, r)
		} else if r.Type != b.id {
			c.Warnings = append(c.Warnings, fmt.Sprintf("file %s line %d realm '%s' of type '%s': PVE forces type '%s'", file, r.Line, b.id, r.Type, b.id))
			r.Type = b.id
		}
		if r.Props["comment"] == "" {
			r.Props["comment"] = b.comment
		}
	}
	return c
}

func checkRequired(typ string, props map[string]string) error {
	for _, k := range RealmOptions(typ) {
		if realmOptions[typ][k].required && props[k] == "" {
			return fmt.Errorf("missing value for required option '%s'", k)
		}
	}
	return nil
}

// Realm returns the realm id, or nil.
func (c *DomainsConfig) Realm(id string) *RealmSection {
	for _, r := range c.Realms {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Write renders c as PVE's write_config does.
func (c *DomainsConfig) Write() []byte {
	var b strings.Builder
	for _, r := range c.Realms {
		fmt.Fprintf(&b, "%s: %s\n", r.Type, r.ID)
		if v := r.Props["comment"]; v != "" {
			fmt.Fprintf(&b, "\tcomment %s\n", EncodeText(v))
		}
		opts := RealmOptions(r.Type)
		for _, pass := range []bool{true, false} {
			for _, k := range opts {
				if k == "comment" || realmOptions[r.Type][k].required != pass {
					continue
				}
				if v, ok := r.Props[k]; ok && v != "" {
					fmt.Fprintf(&b, "\t%s %s\n", k, v)
				}
			}
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// realm property schemas (PVE::Auth::{AD,LDAP,OpenId,Plugin} properties)
type realmProp struct {
	kind    string // string, boolean, integer, enum
	maxLen  int
	min     int
	max     int
	enum    []string
	pattern *regexp.Regexp
	check   func(string) error
}

var (
	uriSafe     = regexp.MustCompile(`^[^\x00-\x1F\x7F <>#"]*$`)
	simpleAttr  = regexp.MustCompile(`^[a-zA-Z0-9]+$`)
	dnsName     = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)*$`)
	syncAttrs   = regexp.MustCompile(`^(?:\w+=[^,]+(,\s*\w+=[^,]+)*)$`)
	userAttr    = regexp.MustCompile(`^(?:\S{2,})$`)
	nonSpace    = regexp.MustCompile(`^(?:\S+)$`)
	promptRE    = regexp.MustCompile(`^(?:none|login|consent|select_account|\S+)$`)
	claimRE     = regexp.MustCompile(`^(?:[A-Za-z0-9\.\-_]+)$`)
	removeVanRE = regexp.MustCompile(`^(?:(?:(?:acl|properties|entry);)*(?:acl|properties|entry)|none)$`)
)

var realmProps = map[string]realmProp{
	"default": {kind: "boolean"}, "comment": {kind: "string", maxLen: 4096},
	"tfa":     {kind: "string", maxLen: 128, check: checkTFA},
	"server1": {kind: "string", maxLen: 256, check: checkAddress}, "server2": {kind: "string", maxLen: 256, check: checkAddress},
	"secure": {kind: "boolean"}, "sslversion": {kind: "enum", enum: []string{"tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3"}},
	"port": {kind: "integer", min: 1, max: 65535}, "domain": {kind: "string", maxLen: 256, pattern: nonSpace},
	"base_dn": {kind: "string", maxLen: 256}, "user_attr": {kind: "string", maxLen: 256, pattern: userAttr},
	"bind_dn": {kind: "string", maxLen: 256}, "verify": {kind: "boolean"}, "capath": {kind: "string"},
	"cert": {kind: "string"}, "certkey": {kind: "string"}, "filter": {kind: "string", maxLen: 2048},
	"sync_attributes": {kind: "string", pattern: syncAttrs},
	"user_classes":    {kind: "string", check: checkAttrList}, "group_classes": {kind: "string", check: checkAttrList},
	"group_dn": {kind: "string", maxLen: 256}, "group_name_attr": {kind: "string", maxLen: 256, pattern: simpleAttr},
	"group_filter": {kind: "string", maxLen: 2048}, "sync-defaults-options": {kind: "string", check: checkSyncOptions},
	"mode": {kind: "enum", enum: []string{"ldap", "ldaps", "ldap+starttls"}}, "case-sensitive": {kind: "boolean"},
	"issuer-url": {kind: "string", maxLen: 256}, "client-id": {kind: "string", maxLen: 256},
	"client-key": {kind: "string", maxLen: 256}, "autocreate": {kind: "boolean"}, "username-claim": {kind: "string"},
	"groups-claim": {kind: "string", maxLen: 256, pattern: claimRE}, "groups-autocreate": {kind: "boolean"},
	"groups-overwrite": {kind: "boolean"}, "prompt": {kind: "string", pattern: promptRE}, "scopes": {kind: "string"},
	"acr-values": {kind: "string", pattern: uriSafe}, "query-userinfo": {kind: "boolean"},
	"audiences": {kind: "string", pattern: uriSafe},
}

// CheckRealmValue validates value of option key for a realm of type typ
// (SectionConfig check_value): the key must be an option of the type,
// the value must match its schema. It returns the value as stored
// (booleans as 0/1). fromFile says the value was read from the file,
// where the comment is percent-encoded.
func CheckRealmValue(typ, key, value string) (string, error) {
	return checkRealmValue(typ, key, value, false)
}

func checkRealmValue(typ, key, value string, fromFile bool) (string, error) {
	if _, ok := realmOptions[typ][key]; !ok {
		return "", fmt.Errorf("unexpected property '%s'", safetext.Value(key))
	}
	if strings.ContainsAny(value, "\n\r") {
		return "", fmt.Errorf("property '%s' contains a line feed", key)
	}
	if key == "comment" && fromFile {
		if len(value) > realmProps[key].maxLen {
			return "", fmt.Errorf("value may only be %d characters long", realmProps[key].maxLen)
		}
		return DecodeText(value), nil // checked encoded, as PVE does
	}
	p := realmProps[key]
	switch p.kind {
	case "boolean":
		switch strings.ToLower(value) {
		case "1", "on", "yes", "true":
			return "1", nil
		case "0", "off", "no", "false":
			return "0", nil
		}
		return "", fmt.Errorf("type check ('boolean') failed - got '%s'", safetext.Value(value))
	case "integer":
		n, err := strconv.Atoi(value)
		if err != nil || !regexp.MustCompile(`^[+-]?\d+$`).MatchString(value) {
			return "", fmt.Errorf("type check ('integer') failed - got '%s'", safetext.Value(value))
		}
		if n < p.min {
			return "", fmt.Errorf("number too small: %d - minimum: %d", n, p.min)
		}
		if n > p.max {
			return "", fmt.Errorf("number too large: %d - maximum: %d", n, p.max)
		}
		return strconv.Itoa(n), nil
	case "enum":
		if !slices.Contains(p.enum, value) {
			return "", fmt.Errorf("value '%s' does not have a value in the enumeration '%s'", safetext.Value(value), strings.Join(p.enum, ", "))
		}
		return value, nil
	}
	if p.maxLen > 0 && len(value) > p.maxLen {
		return "", fmt.Errorf("value may only be %d characters long", p.maxLen)
	}
	if p.pattern != nil && !p.pattern.MatchString(value) {
		return "", fmt.Errorf("value does not match the regex pattern")
	}
	if p.check != nil {
		if err := p.check(value); err != nil {
			return "", err
		}
	}
	return value, nil
}

func checkAddress(v string) error {
	if _, err := netip.ParseAddr(v); err == nil || dnsName.MatchString(v) {
		return nil
	}
	return fmt.Errorf("value does not look like a valid address: %s", safetext.Value(v))
}

func checkAttrList(v string) error {
	for _, a := range regexp.MustCompile(`[,\s]+`).Split(v, -1) {
		if a != "" && !simpleAttr.MatchString(a) {
			return fmt.Errorf("value '%s' does not look like a simple ldap attribute name", safetext.Value(a))
		}
	}
	return nil
}

// propertyString splits "k=v,k=v" (a key without '=' is the default key).
func propertyString(v, defaultKey string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(v, ",") {
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			if defaultKey == "" {
				return nil, fmt.Errorf("value without key, but schema does not define a default key")
			}
			k, val = defaultKey, part
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("duplicate key in comma-separated list property: %s", safetext.Value(k))
		}
		out[k] = val
	}
	return out, nil
}

func checkTFA(v string) error {
	m, err := propertyString(v, "type")
	if err != nil {
		return err
	}
	for k, val := range m {
		switch k {
		case "type":
			if val != "yubico" && val != "oath" {
				return fmt.Errorf("type: value '%s' does not have a value in the enumeration 'yubico, oath'", safetext.Value(val))
			}
		case "id", "key", "url":
		case "digits", "step":
			n, err := strconv.Atoi(val)
			lo := map[string]int{"digits": 6, "step": 10}[k]
			if err != nil || n < lo || (k == "digits" && n > 8) {
				return fmt.Errorf("%s: invalid value '%s'", k, safetext.Value(val))
			}
		default:
			return fmt.Errorf("%s: property is not defined in schema and the schema does not allow additional properties", safetext.Value(k))
		}
	}
	if m["type"] == "" {
		return fmt.Errorf("type: property is missing and it is not optional")
	}
	return nil
}

func checkSyncOptions(v string) error {
	m, err := propertyString(v, "")
	if err != nil {
		return err
	}
	for k, val := range m {
		switch k {
		case "scope":
			if val != "users" && val != "groups" && val != "both" {
				return fmt.Errorf("scope: value '%s' does not have a value in the enumeration 'users, groups, both'", safetext.Value(val))
			}
		case "remove-vanished":
			if !removeVanRE.MatchString(val) {
				return fmt.Errorf("remove-vanished: value does not match the regex pattern")
			}
		case "full", "enable-new", "purge":
			switch strings.ToLower(val) {
			case "1", "on", "yes", "true", "0", "off", "no", "false":
			default:
				return fmt.Errorf("%s: type check ('boolean') failed - got '%s'", k, safetext.Value(val))
			}
		default:
			return fmt.Errorf("%s: property is not defined in schema and the schema does not allow additional properties", safetext.Value(k))
		}
	}
	return nil
}
