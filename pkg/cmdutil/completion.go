package cmdutil

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pxacl/pxacl/aclpath"
	"github.com/pxacl/pxacl/compiler"
)

// ArgKind is what a positional argument names, for completion.
type ArgKind int

// The kinds of positional arguments completed from the configuration.
const (
	ArgNone      ArgKind = iota // nothing to complete
	ArgAuthID                   // a user or token id
	ArgUser                     // a user id
	ArgToken                    // a token name of the user in the previous argument
	ArgPath                     // an ACL path
	ArgPrivilege                // a privilege
	ArgRole                     // a role
)

// CompleteArgs completes positional arguments of the given kinds from the
// configuration directory; the last kind repeats when variadic.
func CompleteArgs(c *Config, variadic bool, kinds ...ArgKind) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := len(args)
		if i >= len(kinds) {
			if !variadic || len(kinds) == 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			i = len(kinds) - 1
		}
		prev := ""
		if len(args) > 0 {
			prev = args[len(args)-1]
		}
		return filterPrefix(c.candidates(kinds[i], prev), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteQuery completes AUTHID PATH PRIV...: check and explain.
func CompleteQuery(c *Config) cobra.CompletionFunc {
	return CompleteArgs(c, true, ArgAuthID, ArgPath, ArgPrivilege)
}

// candidates lists the values of kind in the configuration; prev is the
// previous argument (the user of a token name).
func (c *Config) candidates(kind ArgKind, prev string) []string {
	if kind == ArgNone {
		return nil
	}
	doc, err := compiler.Compile(c.Dir, compiler.Options{Flavor: c.Flavor, PVEVersion: c.PVEVersion})
	if err != nil {
		return nil
	}
	var out []string
	switch kind {
	case ArgAuthID:
		out = append(slices.Collect(maps.Keys(doc.Users)), slices.Collect(maps.Keys(doc.Tokens))...)
	case ArgUser:
		out = slices.Collect(maps.Keys(doc.Users))
	case ArgToken:
		for t := range doc.Tokens {
			if u, name, ok := strings.Cut(t, "!"); ok && u == prev {
				out = append(out, name)
			}
		}
	case ArgPath:
		out = append(slices.Clone(doc.Nodes), aclpath.DefaultPermissionPaths(doc.Meta.Flavor)...)
	case ArgPrivilege:
		out = slices.Collect(maps.Keys(doc.Privileges))
	case ArgRole:
		out = slices.Collect(maps.Keys(doc.Roles))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func filterPrefix(vals []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, v := range vals {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// FixedValues completes a flag from a fixed list of values.
func FixedValues(vals ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return filterPrefix(vals, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// RegisterValues registers FixedValues for flag name of cmd; the flag
// must exist.
func RegisterValues(cmd *cobra.Command, name string, vals ...string) {
	if err := cmd.RegisterFlagCompletionFunc(name, FixedValues(vals...)); err != nil {
		panic(err)
	}
}

// RegisterArgFlag completes flag name of cmd from the configuration.
func RegisterArgFlag(cmd *cobra.Command, c *Config, name string, kind ArgKind) {
	if err := cmd.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return filterPrefix(c.candidates(kind, ""), toComplete), cobra.ShellCompDirectiveNoFileComp
	}); err != nil {
		panic(err)
	}
}
