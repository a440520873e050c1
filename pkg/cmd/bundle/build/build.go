// Package build is `pxacl bundle build`: the configuration compiled into
// an OPA bundle.
package build

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/internal/batchgc"
	"github.com/pxacl/pxacl/pkg/cmd/bundle/signing"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/publish"
	"github.com/pxacl/pxacl/report"
)

// BuildOptions are the inputs of `pxacl bundle build`.
type BuildOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Output  string // the file to write; "-" for stdout
	Signing signing.Flags

	// PrintConfig prints the OPA configuration of a sidecar that
	// downloads the signed bundle from URL (a static host) and exits.
	PrintConfig        bool
	URL                string
	Insecure           bool // allow a plain http URL off this host
	MinDelay, MaxDelay int
}

// NewCmdBuild is `pxacl bundle build`.
func NewCmdBuild(f *cmdutil.Factory, runF func(*BuildOptions) error) *cobra.Command {
	opts := &BuildOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Compile the configuration into an OPA bundle (tar.gz)",
		Long: `Compile the configuration into an OPA bundle (tar.gz), signed with
--signing-key.

For a static host (S3, GCS, a CDN, any web server), build a signed bundle,
upload it, and give the sidecars the configuration printed by
--print-opa-config --url URL (the bundle's URL; the signing key yields the
verification key OPA checks the bundle with). A static host needs a signed
bundle: whoever can write to it could otherwise swap the bundle.`,
		Example: `  $ pxacl --config-dir examples/pbs bundle build -o /tmp/pxacl.tar.gz
  $ pxacl --config-dir examples/pve bundle build -o - | tar tzf -
  $ pxacl --config-dir examples/pbs bundle build --signing-key /etc/pxacl/signing.pem -o /tmp/pxacl.tar.gz
  $ pxacl bundle build --signing-key /etc/pxacl/signing.pem --print-opa-config --url https://acl.s3.eu-west-1.amazonaws.com/pxacl.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.PrintConfig && opts.URL == "" {
				return cmdutil.ErrBadInput("--print-opa-config needs --url, the address the sidecars download the bundle from")
			}
			if opts.URL != "" && !opts.PrintConfig {
				return cmdutil.ErrBadInput("--url goes with --print-opa-config")
			}
			if runF != nil {
				return runF(opts)
			}
			return buildRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "pxacl.tar.gz", "bundle file to write (- for stdout)")
	opts.Signing.Register(cmd)
	fl.BoolVar(&opts.PrintConfig, "print-opa-config", false, "print an OPA sidecar configuration for the signed bundle at --url and exit")
	fl.StringVar(&opts.URL, "url", "", "with --print-opa-config: the bundle's URL on the static host (https)")
	fl.BoolVar(&opts.Insecure, "insecure", false, "with --print-opa-config: allow a plain http --url that is not on this host")
	fl.IntVar(&opts.MinDelay, "min-delay", 60, "with --print-opa-config: polling.min_delay_seconds")
	fl.IntVar(&opts.MaxDelay, "max-delay", 120, "with --print-opa-config: polling.max_delay_seconds")
	return cmd
}

func buildRun(opts *BuildOptions) error {
	signer, err := opts.Signing.Signer()
	if err != nil {
		return err
	}
	if opts.PrintConfig {
		key, err := signing.VerificationKey(signer)
		if err != nil {
			return err
		}
		out, err := publish.StaticConfig(opts.URL, opts.Insecure, publish.ConfigOptions{MinDelay: opts.MinDelay, MaxDelay: opts.MaxDelay, Signing: key})
		if err != nil {
			return cmdutil.ErrBadInput("%v", err)
		}
		_, err = opts.IO.Out.Write(out)
		return err
	}
	batchgc.Tune() // a one-shot job: trade memory for less GC work
	doc, err := opts.Config.Compile()
	if err != nil {
		return err
	}
	bun, err := bundle.BuildDocument(doc)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if signer != nil {
		raw, err := signer.SignedBytes(bun)
		if err != nil {
			return err
		}
		if opts.Output == "-" {
			_, err = out.Write(raw)
			return err
		}
		if err := writeFileAtomic(opts.Output, raw); err != nil {
			return err
		}
	} else if opts.Output == "-" { // the tar.gz on stdout, nothing else
		return bun.Write(out)
	} else if err := bun.WriteFile(opts.Output); err != nil {
		return err
	}
	if !opts.Config.Text() {
		res := map[string]any{"file": opts.Output, "revision": bun.Manifest.Revision, "metadata": bun.Manifest.Metadata}
		if doc.Meta.TFA != "" { // as in the bundle's data.pxacl.meta.tfa
			res["tfa"] = doc.Meta.TFA
		}
		return report.WriteJSON(out, opts.Config.OutputFormat, res)
	}
	fmt.Fprintf(out, "wrote %s (revision %s)\n", opts.Output, bun.Manifest.Revision)
	return nil
}

// writeFileAtomic writes data to path through a temporary file renamed
// into place, so a reader (a web server) never sees a partial bundle.
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
