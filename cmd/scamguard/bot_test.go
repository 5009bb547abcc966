package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestBotWithoutTokenExplainsHowToGetOne(t *testing.T) {
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"bot"}, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	msg := stderr.String()
	if strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, "@BotFather") || !strings.Contains(msg, "TELEGRAM_BOT_TOKEN") {
		t.Errorf("stderr %q, want one line naming @BotFather and TELEGRAM_BOT_TOKEN", msg)
	}
}

func TestBotRejectsMalformedSettings(t *testing.T) {
	for _, args := range [][]string{
		{"--burst-window", "soon"},
		{"--webhook-url", "http://insecure.example.org/hook"},
		{"--webhook-secret", "has spaces"},
		{"--no-such-flag"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"bot", "--token", "1:x"}, args...), strings.NewReader(""), &stdout, &stderr)
		if code != 2 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and an error", args, code, stderr.String())
		}
	}
}

// optionRow is one option as the README's table and --help show it.
type optionRow struct{ env, flag, def string }

// helpRows reads `scamguard bot --help`: "  ENV, --flag" then "      default D. Meaning".
func helpRows(t *testing.T) []optionRow {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"bot", "--help"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("bot --help exited %d: %s", code, stderr.String())
	}
	var rows []optionRow
	lines := strings.Split(stdout.String(), "\n")
	for i := 0; i+1 < len(lines); i++ {
		head := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(lines[i], "  ") || strings.HasPrefix(lines[i], "     ") || head == "" {
			continue
		}
		env, flag, _ := strings.Cut(head, ", ")
		def := strings.TrimPrefix(strings.TrimSpace(lines[i+1]), "default ")
		def, _, _ = strings.Cut(def, ". ")
		rows = append(rows, optionRow{env, flag, def})
	}
	return rows
}

var readmeRow = regexp.MustCompile("^\\| `([A-Z_]+)` \\| (`--[a-z-]+`)? ?\\| ([^|]*) \\|")

// TestREADMEOptionTableMatchesHelp keeps the README's option table and
// `scamguard bot --help` the same list: every variable, flag and default.
func TestREADMEOptionTableMatchesHelp(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The table is the one under "### Options" in "## Telegram bot".
	_, section, found := strings.Cut(string(readme), "## Telegram bot\n")
	if !found {
		t.Fatal("README has no \"## Telegram bot\" section")
	}
	_, section, _ = strings.Cut(section, "### Options\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var table []optionRow
	for _, line := range strings.Split(section, "\n") {
		if m := readmeRow.FindStringSubmatch(line); m != nil {
			def := strings.Trim(strings.TrimSpace(m[3]), "`")
			table = append(table, optionRow{m[1], strings.Trim(m[2], "`"), def})
		}
	}
	help := helpRows(t)
	if len(help) < 10 {
		t.Fatalf("--help lists only %d options: the parser is wrong", len(help))
	}
	for _, row := range help {
		if !slices.Contains(table, row) {
			t.Errorf("README's option table lacks | `%s` | `%s` | %s |", row.env, row.flag, row.def)
		}
	}
	for _, row := range table {
		if !slices.Contains(help, row) {
			t.Errorf("README lists %+v, which `scamguard bot --help` does not", row)
		}
	}
}
