// Package push is `pxacl bundle push`: the bundle uploaded to an OCI
// registry as the artifact OPA's `oci` service downloads.
package push

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/bundle"
	"github.com/pxacl/pxacl/internal/batchgc"
	"github.com/pxacl/pxacl/internal/safetext"
	"github.com/pxacl/pxacl/pkg/cmd/bundle/signing"
	"github.com/pxacl/pxacl/pkg/cmdutil"
	"github.com/pxacl/pxacl/publish"
	"github.com/pxacl/pxacl/report"
	"github.com/pxacl/pxacl/server"
)

// PushOptions are the inputs of `pxacl bundle push`.
type PushOptions struct {
	IO     *cmdutil.IOStreams
	Config *cmdutil.Config

	Ref      string // registry/repository:tag
	Insecure bool   // plain HTTP to a registry off this host
	Title    string // file name on the bundle layer
	Signing  signing.Flags

	PrintConfig        bool // print the sidecar's OPA configuration and exit
	MinDelay, MaxDelay int
	TokenEnv           string
}

// NewCmdPush is `pxacl bundle push`.
func NewCmdPush(f *cmdutil.Factory, runF func(*PushOptions) error) *cobra.Command {
	opts := &PushOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "push REGISTRY/REPOSITORY:TAG",
		Short: "Upload the bundle to an OCI registry for OPA's oci service",
		Long: `Upload the bundle to an OCI registry as the artifact OPA's "oci" service
type downloads: an OCI image manifest with one
application/vnd.oci.image.layer.v1.tar+gzip layer holding the bundle file
byte for byte, so a signed bundle stays signed.

The bundle is compiled from --config-dir (signed with --signing-key), or
read from --bundle FILE (a file from 'pxacl bundle build', pushed as is).
Registry credentials come from the docker configuration ($DOCKER_CONFIG or
~/.docker/config.json, and its credential helpers; 'docker login' or
'crane auth login' write them) or podman's auth.json, never from the
command line. The registry is reached over HTTPS; plain HTTP only for a
registry on this host (localhost, 127.0.0.0/8, ::1) or with --insecure.

--print-opa-config prints the sidecar's OPA configuration for the tag
(service type oci; keys and bundle signing with --signing-key) and exits
without pushing.`,
		Example: `  $ pxacl --config-dir examples/pbs bundle push registry.example.com/acl/pxacl:latest --print-opa-config
  $ pxacl --config-dir examples/pbs bundle push localhost:5000/acl/pxacl:latest
  $ pxacl --bundle /tmp/pxacl.tar.gz bundle push registry.example.com/acl/pxacl:latest`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if _, err := publish.ParseTag(opts.Ref, opts.Insecure); err != nil {
				return cmdutil.ErrBadInput("%v", err)
			}
			if opts.Config.BundleFile != "" && opts.Signing.KeyFile != "" && !opts.PrintConfig {
				return cmdutil.ErrBadInput("--bundle is pushed as is: sign it when building it (pxacl bundle build --signing-key)")
			}
			if runF != nil {
				return runF(opts)
			}
			return pushRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Insecure, "insecure", false, "allow plain HTTP to a registry that is not on this host")
	fl.StringVar(&opts.Title, "title", publish.DefaultTitle, "file name recorded on the bundle layer")
	opts.Signing.Register(cmd)
	fl.BoolVar(&opts.PrintConfig, "print-opa-config", false, "print an OPA sidecar configuration for this tag and exit")
	fl.IntVar(&opts.MinDelay, "min-delay", 60, "with --print-opa-config: polling.min_delay_seconds")
	fl.IntVar(&opts.MaxDelay, "max-delay", 120, "with --print-opa-config: polling.max_delay_seconds")
	fl.StringVar(&opts.TokenEnv, "token-env", "", "with --print-opa-config: OPA sends 'Bearer ${NAME}' to the registry, NAME an environment variable of the sidecar")
	return cmd
}

func pushRun(ctx context.Context, opts *PushOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	signer, err := opts.Signing.Signer()
	if err != nil {
		return err
	}
	if opts.PrintConfig {
		key, err := signing.VerificationKey(signer)
		if err != nil {
			return err
		}
		out, err := publish.OCIConfig(opts.Ref, opts.Insecure, publish.ConfigOptions{
			MinDelay: opts.MinDelay, MaxDelay: opts.MaxDelay, Signing: key, TokenEnv: opts.TokenEnv,
		})
		if err != nil {
			return err
		}
		_, err = opts.IO.Out.Write(out)
		return err
	}
	tarball, revision, err := readBundle(opts, signer)
	if err != nil {
		return err
	}
	p, err := publish.Push(ctx, opts.Ref, tarball, publish.PushOptions{
		Insecure: opts.Insecure, Title: opts.Title, Revision: revision,
	})
	if err != nil {
		return err
	}
	if !opts.Config.Text() {
		return report.WriteJSON(opts.IO.Out, opts.Config.OutputFormat, map[string]any{
			"ref": p.Ref, "digest": p.Digest, "bundle_digest": p.BundleDigest, "revision": revision, "size": p.Size,
		})
	}
	fmt.Fprintf(opts.IO.Out, "pushed %s@%s (revision %s, %d bytes)\n", p.Ref, p.Digest, revision, p.Size)
	return nil
}

// readBundle returns the bundle file given with --bundle, unchanged, or
// compiles the configuration directory (signed when signer is not nil).
func readBundle(opts *PushOptions, signer *server.Signer) ([]byte, string, error) {
	if file := opts.Config.BundleFile; file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, "", cmdutil.ErrBadInput("%v", err)
		}
		m, err := publish.ReadManifest(raw)
		if err != nil {
			return nil, "", cmdutil.ErrBadInput("%s: %v", safetext.Quote(file), err)
		}
		if len(m.Roots) != 1 || m.Roots[0] != bundle.Root {
			return nil, "", cmdutil.ErrBadInput("%s: not a pxacl bundle (roots must be [%q])", safetext.Quote(file), bundle.Root)
		}
		return raw, m.Revision, nil
	}
	batchgc.Tune() // a one-shot job: trade memory for less GC work
	doc, err := opts.Config.Compile()
	if err != nil {
		return nil, "", err
	}
	b, err := bundle.BuildDocument(doc)
	if err != nil {
		return nil, "", err
	}
	raw, err := signing.Bytes(b, signer)
	return raw, b.Manifest.Revision, err
}
