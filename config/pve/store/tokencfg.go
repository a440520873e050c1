// priv/token.cfg: the API token secrets, "<full tokenid> <secret>" per
// line (PVE::TokenConfig, docs/semantics.md pve §1.5). Only this file
// ever holds a secret.

package store

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pxacl/pxacl/pveid"
)

// tokenLine is TokenConfig's m/^(\S+) (\S+)$/ (Perl's \S on bytes).
var tokenLine = regexp.MustCompile(`^([^` + pveid.PerlSpace + `]+) ([^` + pveid.PerlSpace + `]+)$`)

// ParseTokenCfg parses token.cfg as TokenConfig does: blank lines are
// skipped; a line that is not "<valid tokenid> <secret>" is skipped (PVE
// warns "skipping invalid token.cfg entry", counted in skipped); a later
// line for the same token wins.
func ParseTokenCfg(raw []byte) (secrets map[string]string, skipped int) {
	secrets = map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.Trim(line, pveid.PerlSpace) == "" {
			continue
		}
		m := tokenLine.FindStringSubmatch(line)
		if m == nil || !pveid.IsTokenID(m[1]) {
			skipped++
			continue
		}
		secrets[m[1]] = m[2]
	}
	return secrets, skipped
}

// WriteTokenCfg is TokenConfig's writer: one line per token, sorted.
func WriteTokenCfg(secrets map[string]string) []byte {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(secrets)) {
		b.WriteString(id + " " + secrets[id] + "\n")
	}
	return []byte(b.String())
}
