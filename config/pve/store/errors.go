// Errors: PVE's messages for refused changes (pve-access-control's
// API2/User.pm, Group.pm, Role.pm, ACL.pm and pve-manager's Pool.pm).
// Values are quoted with safetext, so a hostile id cannot reach the
// terminal raw.

package store

import (
	"fmt"

	"github.com/pxacl/pxacl/config"
	"github.com/pxacl/pxacl/internal/safetext"
)

// q quotes a value as PVE does ('x'), escaped and shortened.
func q(s string) string { return safetext.Quote(s) }

// noSuchUser is PVE's check_user_exist error; pxacl's one wording for an
// unknown user (config.NoSuchUser) says the same thing.
func noSuchUser(id string) error { return config.NoSuchUser(id) }

// noSuchToken is PVE's check_token_exist error, in pxacl's one wording.
func noSuchToken(id string) error { return config.NoSuchToken(id) }

func errf(format string, a ...any) error { return fmt.Errorf(format, a...) }
