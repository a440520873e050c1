package policytest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/pxacl/pxacl/report"
)

// WriteText writes the readable report: PASS/FAIL per test and, for a
// failure, each failing case with the explanation of its decision.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range s.Files {
		fmt.Fprintf(&b, "%s (config %s)\n", f.File, f.Config)
		for _, t := range f.Tests {
			if t.Passed {
				fmt.Fprintf(&b, "  PASS  %s\n", t.Name)
				continue
			}
			fmt.Fprintf(&b, "  FAIL  %s (line %d)\n", t.Name, t.Line)
			for _, fl := range t.Failures {
				fmt.Fprintf(&b, "        %s\n", strings.ReplaceAll(strings.TrimRight(fl.Message, "\n"), "\n", "\n          "))
				if fl.Explain != "" {
					for _, l := range strings.Split(strings.TrimRight(fl.Explain, "\n"), "\n") {
						b.WriteString(strings.TrimRight("          | "+l, " ") + "\n")
					}
					b.WriteString("\n")
				}
			}
		}
	}
	fmt.Fprintf(&b, "%s, %d passed, %d failed\n", report.Count(s.Tests, "test", ""), s.Passed, s.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}

// JUnit XML (the de-facto schema understood by CI systems).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: a testsuite per file, a testcase per test.
func (s *Summary) WriteJUnit(w io.Writer) error {
	out := junitSuites{Tests: s.Tests, Failures: s.Failed}
	for _, f := range s.Files {
		suite := junitSuite{Name: f.File}
		for _, t := range f.Tests {
			c := junitCase{Name: t.Name, Classname: f.File, Time: "0"}
			suite.Tests++
			if !t.Passed {
				suite.Failures++
				var msgs, text []string
				for _, fl := range t.Failures {
					msgs = append(msgs, fl.Message)
					text = append(text, fl.Message)
					if fl.Explain != "" {
						text = append(text, fl.Explain)
					}
				}
				c.Failure = &junitFailure{Message: strings.Join(msgs, "; "), Type: t.Failures[0].Check, Text: strings.Join(text, "\n")}
			}
			suite.Cases = append(suite.Cases, c)
		}
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
