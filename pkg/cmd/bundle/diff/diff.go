// Package diff is `pxacl bundle diff`: the OPA delta bundle between two
// bundles, written offline.
package diff

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle/delta"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/report"
)

// DiffOptions are the inputs of `pxacl bundle diff`.
type DiffOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Old, New string
	Output   string // "-" for stdout
}

// NewCmdDiff is `pxacl bundle diff`.
func NewCmdDiff(f *cmdutil.Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "diff OLD.tar.gz NEW.tar.gz",
		Short: "Write the OPA delta bundle that turns OLD's data into NEW's",
		Long: `Write the OPA delta bundle (.manifest and patch.json, upsert and remove
operations on data.pxacl) that turns the data of bundle OLD into the data
of bundle NEW: the same delta 'pxacl serve' sends a sidecar that holds OLD.

A delta carries data only: when the policies of OLD and NEW differ (a new
pxacl version) it is refused, and NEW must be published whole. A delta
bundle cannot be signed; a sidecar that verifies signatures accepts it only
with bundles.<name>.signing.allow_unsigned_delta_bundles: true.

A delta is only correct for a sidecar whose active bundle is OLD: a static
host that serves one file to every sidecar must serve it only to those
(for example an edge rule on If-None-Match: "<OLD revision>"), and NEW to
the others.`,
		Example: `  $ pxacl bundle diff /srv/old.tar.gz /srv/new.tar.gz -o /srv/delta.tar.gz`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return diffRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "delta.tar.gz", "delta bundle to write (- for stdout)")
	return cmd
}

func readSnapshot(path string) (*delta.Snapshot, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, cmdutil.ErrBadInput("%v", err)
	}
	s, err := delta.ReadSnapshot(bytes.NewReader(raw))
	if err != nil {
		return nil, 0, cmdutil.ErrBadInput("%s: %v", safetext.Quote(path), err)
	}
	return s, len(raw), nil
}

func diffRun(opts *DiffOptions) error {
	old, _, err := readSnapshot(opts.Old)
	if err != nil {
		return err
	}
	cur, size, err := readSnapshot(opts.New)
	if err != nil {
		return err
	}
	ops, err := delta.Between(old, cur)
	switch {
	case errors.Is(err, delta.ErrPolicies):
		return cmdutil.ErrBadInput("the policies of the two bundles differ: a delta carries data only; publish %s whole", safetext.Quote(opts.New))
	case errors.Is(err, delta.ErrSame):
		return cmdutil.ErrBadInput("the two bundles have the same data: nothing to send (an empty patch would wipe data.pxacl)")
	case err != nil:
		return err
	}
	body, err := delta.Bytes(cur.Manifest, ops)
	if err != nil {
		return err
	}
	if opts.Output == "-" {
		_, err := opts.IO.Out.Write(body)
		return err
	}
	if err := writeFileAtomic(opts.Output, body); err != nil {
		return err
	}
	if cur.Signed || old.Signed {
		fmt.Fprintln(opts.IO.ErrOut, "pxacl: note: the bundles are signed, the delta cannot be: sidecars that verify signatures need signing.allow_unsigned_delta_bundles: true to accept it")
	}
	if !opts.Config.Text() {
		return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, map[string]any{
			"file": opts.Output, "from_revision": old.Revision, "revision": cur.Revision,
			"bytes": len(body), "snapshot_bytes": size, "patch_bytes": len(ops),
		})
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s (%s -> %s, %d bytes; the full bundle is %d bytes)\n", opts.Output, short(old.Revision), short(cur.Revision), len(body), size)
	return nil
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// writeFileAtomic writes data to path through a temporary file renamed
// into place, so a web server never serves a partial delta.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp_*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
