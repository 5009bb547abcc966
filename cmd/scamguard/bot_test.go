package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
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
		// Other parts' settings given as flags reach those parts.
		{"--redis-ttl", "soon"},
		{"--llm-grey-low", "low"},
		{"--mod-chat", "the-mods"},
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

func TestExportNeedsTheBotsRedis(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	t.Setenv("SCAMGUARD_REDIS_ADDRS", "")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export"}, strings.NewReader(""), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "REDIS_URL") {
		t.Errorf("export without Redis: exit %d, %q", code, stderr.String())
	}
}

func TestExportWritesDecidedCasesAsCorpusLines(t *testing.T) {
	server := storetest.StartServer(t)
	t.Setenv("REDIS_URL", "redis://"+server.Addr+"/0")
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URL: "redis://" + server.Addr + "/0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q := review.New(st, review.Config{Moderators: review.NewModerators(1)})
	id, err := q.Draft(ctx, review.Case{Chat: 5, User: 5, Language: "zh",
		Transcript: []review.Message{{From: "other", Text: "您好，我是淘宝客服，您的理赔需要先购买礼品卡验证"}},
		Verdict:    review.Verdict{Level: "suspicious"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Submit(ctx, 5, id, review.ReasonAskHuman); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Decide(ctx, id, review.Decision{By: 1, Outcome: review.OutcomeScam, Type: "ecommerce_logistics_refund"}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("export exited %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("exported %d lines, want 1:\n%s", len(lines), stdout.String())
	}
	var row struct {
		Label    string `json:"label"`
		Messages []struct{ From, Text string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil || row.Label != "scam" || len(row.Messages) != 1 {
		t.Errorf("exported %q (%v): want a scam row with its message", lines[0], err)
	}
}

// TestBotRunsAndStopsOnSIGTERM runs `scamguard bot` as wired by main —
// environment, Redis, classifier, LLM stage (off), review queue — against
// the fake Bot API, checks it answers, then sends the process SIGTERM and
// expects a clean exit 0.
func TestBotRunsAndStopsOnSIGTERM(t *testing.T) {
	api := telegramtest.New(t)
	redis := storetest.StartServer(t)
	t.Setenv("TELEGRAM_BOT_TOKEN", api.Token())
	t.Setenv("TELEGRAM_API_URL", api.URL())
	t.Setenv("REDIS_URL", "redis://"+redis.Addr+"/0")
	t.Setenv("SCAMGUARD_BURST_WINDOW", "100ms")
	t.Setenv("SCAMGUARD_SEND_CHAT_INTERVAL", "10ms")
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"bot"}, strings.NewReader(""), &stdout, &stderr) }()
	api.Push(telegramtest.Forwarded(42, 42, "您好，我是淘宝客服，您的理赔需要先购买礼品卡，把卡号卡密发给我验证。", telegramtest.OriginUser(7, "客服")))
	sent := api.WaitCalls(t, "sendMessage", 1, 30*time.Second)
	if !strings.Contains(sent[0].Params["text"], "96110") {
		t.Errorf("the wired bot answered %q", sent[0].Params["text"])
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after SIGTERM, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not stop within 30s of SIGTERM")
	}
	if !strings.Contains(stderr.String(), "heuristics only") {
		t.Errorf("the bot did not say it runs on heuristics only:\n%s", stderr.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the bot's logger and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
