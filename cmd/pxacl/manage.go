package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pxacl/pxacl/config/pbs/store"
	"github.com/pxacl/pxacl/report"
)

// The management commands are thin wrappers around config/pbs/store.

func boolText(b *bool) string {
	if b != nil && !*b {
		return "0"
	}
	return "1" // enable defaults to true
}

// expireText renders expire like proxmox-backup-manager: absent blank,
// 0 "never", else the local time in C's %c layout.
func expireText(e *int64) string {
	switch {
	case e == nil:
		return ""
	case *e == 0:
		return "never"
	}
	return time.Unix(*e, 0).Format("Mon Jan _2 15:04:05 2006")
}

func (g *globals) print(w io.Writer, v any, cols []report.Column, rows [][]string) error {
	if g.outputFormat == report.Text {
		return report.WriteTable(w, cols, rows)
	}
	return report.WriteJSON(w, g.outputFormat, v)
}

// userFlags registers the user property options and returns a reader.
func userFlags(fs *pflag.FlagSet) func() (store.UserFields, error) {
	comment := fs.String("comment", "", "comment")
	email := fs.String("email", "", "e-mail address")
	first := fs.String("firstname", "", "first name")
	last := fs.String("lastname", "", "last name")
	enable := fs.String("enable", "", "enable the account (1|0)")
	expire := fs.Int64("expire", 0, "account expiration date (seconds since epoch, 0 = never)")
	return func() (store.UserFields, error) {
		var f store.UserFields
		str := func(name string, v *string) *string {
			if fs.Changed(name) {
				return v
			}
			return nil
		}
		f.Comment, f.Email, f.Firstname, f.Lastname = str("comment", comment), str("email", email), str("firstname", first), str("lastname", last)
		if fs.Changed("enable") {
			b, err := store.ParseBool("enable", *enable)
			if err != nil {
				return f, err
			}
			f.Enable = &b
		}
		if fs.Changed("expire") {
			f.Expire = expire
		}
		return f, nil
	}
}

func newUserManageCmds(g *globals) []*cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := store.New(g.configDir).ListUsers()
			if err != nil {
				return err
			}
			var rows [][]string
			for _, u := range l.Data {
				rows = append(rows, []string{u.Userid, boolText(u.Enable), expireText(u.Expire), u.Firstname, u.Lastname, u.Email, u.Comment})
			}
			return g.print(cmd.OutOrStdout(), l, []report.Column{{Name: "userid"}, {Name: "enable", Right: true}, {Name: "expire", Right: true}, {Name: "firstname"}, {Name: "lastname"}, {Name: "email"}, {Name: "comment"}}, rows)
		},
	}

	create := &cobra.Command{
		Use:   "create USERID",
		Short: "Create a new user",
		Args:  cobra.ExactArgs(1),
	}
	createFields := userFlags(create.Flags())
	createPassword := passwordFlags(create)
	create.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := createFields()
		if err != nil {
			return err
		}
		pw, err := createPassword()
		if err != nil {
			return err
		}
		return store.New(g.configDir).CreateUser(args[0], f, pw)
	}

	var digest string
	var del []string
	update := &cobra.Command{
		Use:   "update USERID",
		Short: "Update user configuration",
		Args:  cobra.ExactArgs(1),
	}
	updateFields := userFlags(update.Flags())
	updatePassword := passwordFlags(update)
	update.Flags().StringVar(&digest, "digest", "", "fail if user.cfg changed (SHA-256 hex from 'user list --output-format json')")
	update.Flags().StringSliceVar(&del, "delete", nil, "properties to delete (comment, firstname, lastname, email)")
	update.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := updateFields()
		if err != nil {
			return err
		}
		pw, err := updatePassword()
		if err != nil {
			return err
		}
		return store.New(g.configDir).UpdateUser(args[0], f, del, pw, digest)
	}

	var rmDigest string
	remove := &cobra.Command{
		Use:   "remove USERID",
		Short: "Remove a user, its tokens and their ACL entries, and its second factors",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return store.New(g.configDir).RemoveUser(args[0], rmDigest)
		},
	}
	remove.Flags().StringVar(&rmDigest, "digest", "", "fail if user.cfg changed")

	listTokens := &cobra.Command{
		Use:   "list-tokens USERID",
		Short: "List the API tokens of a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := store.New(g.configDir).ListTokens(args[0])
			if err != nil {
				return err
			}
			var rows [][]string
			for _, t := range l.Data {
				rows = append(rows, []string{t.Tokenid, boolText(t.Enable), expireText(t.Expire), t.Comment})
			}
			return g.print(cmd.OutOrStdout(), l, []report.Column{{Name: "tokenid"}, {Name: "enable", Right: true}, {Name: "expire", Right: true}, {Name: "comment"}}, rows)
		},
	}

	var tComment, tEnable, tDigest string
	var tExpire int64
	gen := &cobra.Command{
		Use:   "generate-token USERID TOKEN-NAME",
		Short: "Generate a new API token; the secret is printed once",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var f store.TokenFields
			if cmd.Flags().Changed("comment") {
				f.Comment = &tComment
			}
			if cmd.Flags().Changed("enable") {
				b, err := store.ParseBool("enable", tEnable)
				if err != nil {
					return err
				}
				f.Enable = &b
			}
			if cmd.Flags().Changed("expire") {
				f.Expire = &tExpire
			}
			sec, err := store.New(g.configDir).GenerateToken(args[0], args[1], f, tDigest)
			if err != nil {
				return err
			}
			if g.outputFormat == report.Text {
				fmt.Fprint(cmd.OutOrStdout(), "Result: ")
				return report.WriteJSON(cmd.OutOrStdout(), report.JSONPretty, sec)
			}
			return report.WriteJSON(cmd.OutOrStdout(), g.outputFormat, sec)
		},
	}
	gen.Flags().StringVar(&tComment, "comment", "", "comment")
	gen.Flags().StringVar(&tEnable, "enable", "", "enable the token (1|0)")
	gen.Flags().Int64Var(&tExpire, "expire", 0, "expiration date (seconds since epoch, 0 = never)")
	gen.Flags().StringVar(&tDigest, "digest", "", "fail if user.cfg changed")

	var dDigest string
	delTok := &cobra.Command{
		Use:   "delete-token USERID TOKEN-NAME",
		Short: "Delete an API token, its secret and its ACL entries",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return store.New(g.configDir).DeleteToken(args[0], args[1], dDigest)
		},
	}
	delTok.Flags().StringVar(&dDigest, "digest", "", "fail if user.cfg changed")
	return []*cobra.Command{list, create, update, remove, listTokens, gen, delTok}
}

func newACLCmd(g *globals) *cobra.Command {
	acl := &cobra.Command{Use: "acl", Short: "Access control list management"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the ACL entries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := store.New(g.configDir).ListACL()
			if err != nil {
				return err
			}
			var rows [][]string
			for _, e := range l.Data {
				ug := e.Ugid
				if e.UgidType == "group" {
					ug = "@" + ug
				}
				p := "0"
				if e.Propagate {
					p = "1"
				}
				rows = append(rows, []string{ug, e.Path, p, e.Roleid})
			}
			return g.print(cmd.OutOrStdout(), l, []report.Column{{Name: "ugid"}, {Name: "path"}, {Name: "propagate", Right: true}, {Name: "roleid"}}, rows)
		},
	}
	var u store.ACLUpdate
	var propagate string
	update := &cobra.Command{
		Use:   "update PATH ROLE",
		Short: "Add or (with --delete) remove an ACL entry",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			p, err := store.ParseBool("propagate", propagate)
			if err != nil {
				return err
			}
			u.Path, u.Role, u.Propagate = args[0], args[1], p
			return store.New(g.configDir).UpdateACL(u)
		},
	}
	f := update.Flags()
	f.StringVar(&u.AuthID, "auth-id", "", "user or API token")
	f.StringVar(&u.Group, "group", "", "group (not supported by PBS)")
	f.StringVar(&propagate, "propagate", "1", "inherit to sub-paths (1|0)")
	f.BoolVar(&u.Delete, "delete", false, "remove the entry instead of adding it")
	f.StringVar(&u.Digest, "digest", "", "fail if acl.cfg changed (SHA-256 hex from 'acl list --output-format json')")
	acl.AddCommand(list, update)
	return acl
}
