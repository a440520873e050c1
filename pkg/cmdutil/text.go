package cmdutil

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/pxacl/pxacl/report"
)

// BoolText renders an enable flag like proxmox-backup-manager: "1" unless
// it is set and false (enable defaults to true).
func BoolText(b *bool) string {
	if b != nil && !*b {
		return "0"
	}
	return "1"
}

// EpochText renders an epoch like proxmox-backup-manager's render_epoch
// (C's %c in local time).
func EpochText(e int64) string { return time.Unix(e, 0).Format("Mon Jan _2 15:04:05 2006") }

// ExpireText renders expire like proxmox-backup-manager: absent blank,
// 0 "never", else the local time in C's %c layout.
func ExpireText(e *int64) string {
	switch {
	case e == nil:
		return ""
	case *e == 0:
		return "never"
	}
	return EpochText(*e)
}

// Print writes v as a table in the text format, else as JSON.
func Print(w io.Writer, format string, v any, cols []report.Column, rows [][]string) error {
	if format == report.Text {
		return report.WriteTable(w, cols, rows)
	}
	return report.WriteJSON(w, format, v)
}

// ReadLine reads one line, trimmed; an empty line is an error.
func ReadLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" {
		if err == nil || errors.Is(err, io.EOF) {
			err = errors.New("empty input")
		}
		return "", err
	}
	return line, nil
}
