package pbs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/pxacl/pxacl/authid"
	"github.com/pxacl/pxacl/internal/safetext"
)

// propCheck validates one property value; the error names key and value.
type propCheck func(key, v string) error

var (
	anyString propCheck = func(string, string) error { return nil }
	comment   propCheck = func(k, v string) error { return checkLen(k, v, 0, 128) }
	boolean   propCheck = func(k, v string) error { _, err := parseBool(k, v); return err }
	port      propCheck = func(k, v string) error { _, err := parseInt(k, v, 0, 65535); return err }
	realmType propCheck = func(k, v string) error { return oneOf(k, v, "pam", "pbs", "openid", "ldap", "ad") }
	ldapMode  propCheck = func(k, v string) error { return oneOf(k, v, "ldap", "ldap+starttls", "ldaps") }
	safeID    propCheck = func(k, v string) error {
		if !authid.IsSafeID(v) {
			return fmt.Errorf("property %s: value %s does not match SAFE_ID", safetext.Quote(k), safetext.Quote(v))
		}
		return nil
	}
	usernameClaim propCheck = func(k, v string) error {
		if err := safeID(k, v); err != nil {
			return err
		}
		return checkLen(k, v, 1, 64)
	}
	realmID propCheck = func(k, v string) error { return checkRealmID(v) }
)

func oneOf(k, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("property %s: value %s is not one of %v", safetext.Quote(k), safetext.Quote(v), allowed)
}

// realmSchema is the property set of one domains.cfg section type (§5.4).
type realmSchema struct {
	props    map[string]propCheck
	required []string
}

// ldapProps are shared by ldap and ad (§5.4); ad drops user-attr.
func ldapProps(withUserAttr bool) map[string]propCheck {
	m := map[string]propCheck{
		"realm": realmID, "server1": anyString, "server2": anyString, "port": port,
		"base-dn": anyString, "comment": comment, "default": boolean, "mode": ldapMode,
		"verify": boolean, "capath": anyString, "bind-dn": anyString, "filter": anyString,
		"sync-defaults-options": anyString, "sync-attributes": anyString, "user-classes": anyString,
	}
	if withUserAttr {
		m["user-attr"] = anyString
	}
	return m
}

var realmSchemas = map[string]realmSchema{
	"pam": {props: map[string]propCheck{"realm": realmID, "type": realmType, "comment": comment, "default": boolean}, required: []string{"type"}},
	"pbs": {props: map[string]propCheck{"realm": realmID, "type": realmType, "comment": comment, "default": boolean}, required: []string{"type"}},
	"openid": {props: map[string]propCheck{
		"realm": realmID, "issuer-url": anyString, "client-id": anyString, "client-key": anyString,
		"scopes": anyString, "acr-values": anyString, "audiences": anyString, "prompt": safeID,
		"comment": comment, "default": boolean, "autocreate": boolean, "username-claim": usernameClaim,
	}, required: []string{"issuer-url", "client-id"}},
	"ldap": {props: ldapProps(true), required: []string{"server1", "base-dn", "user-attr"}},
	"ad":   {props: ldapProps(false), required: []string{"server1"}},
}

// checkRealmID applies REALM_ID_SCHEMA: SAFE_ID, 2..32 chars (§5.4).
func checkRealmID(id string) error {
	if !authid.IsSafeID(id) || len(id) < 2 || len(id) > 32 {
		return fmt.Errorf("invalid realm id %s (SAFE_ID, 2..32 chars)", safetext.Quote(id))
	}
	return nil
}

// ParseDomainsCfg parses domains.cfg (§5.4): section types pam, pbs,
// openid, ldap and ad with realm ids (SAFE_ID, 2..32 chars); keys are
// checked per type, required keys must be present. Property-string values
// (scopes, sync-attributes, ...) are kept as text and not validated in
// depth. Errors are *ParseError.
func ParseDomainsCfg(file string, data []byte) (*DomainsConfig, error) {
	sections, err := ParseSections(file, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	c := &DomainsConfig{Digest: hex.EncodeToString(sum[:])}
	for _, s := range sections {
		schema, ok := realmSchemas[s.Type]
		if !ok {
			return nil, errorf(file, s.Line, s.Type, "unknown section type %s", safetext.Quote(s.Type))
		}
		if err := checkRealmID(s.ID); err != nil {
			return nil, errorf(file, s.Line, s.ID, "%v", err)
		}
		seen := map[string]bool{}
		for _, p := range s.Props {
			check, ok := schema.props[p.Key]
			if !ok {
				return nil, errorf(file, p.Line, p.Key, "unknown property %s in %s section %s", safetext.Quote(p.Key), s.Type, safetext.Quote(s.ID))
			}
			if err := check(p.Key, p.Value); err != nil {
				return nil, errorf(file, p.Line, p.Value, "%v", err)
			}
			seen[p.Key] = true
		}
		for _, k := range schema.required {
			if !seen[k] {
				return nil, errorf(file, s.Line, k, "property %s is missing and it is not optional (%s section %s)", safetext.Quote(k), s.Type, safetext.Quote(s.ID))
			}
		}
		c.Realms = append(c.Realms, &Realm{Type: s.Type, Realm: s.ID, Props: s.Props, Line: s.Line})
	}
	return c, nil
}

// Realm returns the realm section with the given id, or nil.
func (c *DomainsConfig) Realm(id string) *Realm {
	for _, r := range c.Realms {
		if r.Realm == id {
			return r
		}
	}
	return nil
}

// RealmTypes are PBS's realm types (§5.4).
var RealmTypes = []string{"ad", "ldap", "openid", "pam", "pbs"}

// RealmProperties lists the properties of a realm type (without the id
// property "realm" and the written-out "type"), sorted.
func RealmProperties(typ string) []string {
	var out []string
	for k := range realmSchemas[typ].props {
		if k != "realm" && k != "type" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// RealmRequired says whether key is required for a realm of type typ.
func RealmRequired(typ, key string) bool {
	return slices.Contains(realmSchemas[typ].required, key)
}

// CheckRealmProperty validates a value of property key for a realm of
// type typ as the schema does; unknown keys are refused.
func CheckRealmProperty(typ, key, value string) error {
	check, ok := realmSchemas[typ].props[key]
	if !ok || key == "realm" || key == "type" {
		return fmt.Errorf("parameter %s - schema does not allow additional properties (realm type %s)", safetext.Quote(key), typ)
	}
	if hasControl(value) {
		return fmt.Errorf("parameter %s - value contains control characters", safetext.Quote(key))
	}
	if err := check(key, value); err != nil {
		return fmt.Errorf("parameter %s - %v", safetext.Quote(key), err)
	}
	return nil
}

// CheckRealmID validates a realm id (REALM_ID_SCHEMA).
func CheckRealmID(id string) error { return checkRealmID(id) }
