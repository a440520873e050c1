package pbs

import (
	"strings"
	"testing"
)

func TestParseDomainsCfg(t *testing.T) {
	c, err := ParseDomainsCfg("domains.cfg", readTestdata(t, "domains.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Realms {
		got = append(got, r.Type+":"+r.Realm)
	}
	if strings.Join(got, ",") != "pam:pam,pbs:pbs,openid:myoidc,ldap:ldap1,ad:ad" {
		t.Errorf("realms = %v", got)
	}
	if r := c.Realm("ldap1"); r == nil || r.Line != 16 || len(r.Props) != 6 {
		t.Errorf("ldap1 = %+v", r)
	}
	if c.Realm("nope") != nil || len(c.Digest) != 64 {
		t.Error("lookup/digest")
	}
}

func TestParseDomainsCfgErrors(t *testing.T) {
	tests := []struct {
		name, in, prefix, part string
	}{
		// §5.4: section types pam, pbs, openid, ldap, ad.
		{"unknown type", "radius: r1\n", "domains.cfg:1:", "'radius'"},
		// §5.4: REALM_ID_SCHEMA: SAFE_ID, 2..32.
		{"realm 1 char", "ad: a\n\tserver1 x\n", "domains.cfg:1:", "'a'"},
		{"realm 33 chars", "ad: " + strings.Repeat("a", 33) + "\n\tserver1 x\n", "domains.cfg:1:", strings.Repeat("a", 33)},
		{"realm not safe id", "ad: -ad\n\tserver1 x\n", "domains.cfg:1:", "'-ad'"},
		// §5.4: unknown keys per type.
		{"ad has no user-attr", "ad: ad\n\tserver1 x\n\tuser-attr uid\n", "domains.cfg:3:", "'user-attr'"},
		{"pam has no server1", "pam: pam\n\ttype pam\n\tserver1 x\n", "domains.cfg:3:", "'server1'"},
		// §5.4: required keys.
		{"openid needs client-id", "openid: o1\n\tissuer-url https://x\n", "domains.cfg:1:", "'client-id'"},
		{"ldap needs user-attr", "ldap: l1\n\tserver1 x\n\tbase-dn dc=x\n", "domains.cfg:1:", "'user-attr'"},
		{"ad needs server1", "ad: ad\n\tcomment x\n", "domains.cfg:1:", "'server1'"},
		{"pam needs type", "pam: pam\n\tcomment x\n", "domains.cfg:1:", "'type'"},
		// §5.4: typed values.
		{"bad port", "ad: ad\n\tserver1 x\n\tport 70000\n", "domains.cfg:3:", "'70000'"},
		{"bad mode", "ad: ad\n\tserver1 x\n\tmode tls\n", "domains.cfg:3:", "'tls'"},
		{"bad default", "pbs: pbs\n\ttype pbs\n\tdefault maybe\n", "domains.cfg:3:", "'maybe'"},
		{"bad type value", "pbs: pbs\n\ttype radius\n", "domains.cfg:2:", "'radius'"},
		{"bad username-claim", "openid: o1\n\tissuer-url u\n\tclient-id c\n\tusername-claim a b\n", "domains.cfg:4:", "'a b'"},
		{"comment line", "# x\n", "domains.cfg:1:", "'# x'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDomainsCfg("domains.cfg", []byte(tc.in))
			checkErr(t, err, tc.prefix, tc.part)
		})
	}
}
