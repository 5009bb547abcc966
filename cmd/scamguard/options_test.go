package main

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// env is a getenv over a map.
func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestOptionsTableIsTheREADMEs keeps the README's option table exactly the
// one the options make: a default, a flag or a meaning changed in one
// place and not the other fails here.
func TestOptionsTableIsTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := readmeTable(botOptions()); !strings.Contains(string(readme), want) {
		t.Errorf("README's option table is not the options'; it should read:\n%s", want)
	}
}

// TestADefaultLivesInTheTable changes a default in a copy of the table and
// sees --help, the README table and the parsed value all follow it.
func TestADefaultLivesInTheTable(t *testing.T) {
	options := botOptions()
	for i := range options {
		if options[i].Env == "SCAMGUARD_SEND_GROUP_INTERVAL" {
			options[i].Default = "7s"
		}
	}
	s, err := parseOptions(options, nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.bot.GroupInterval != 7*time.Second {
		t.Errorf("parsed group interval %v, want the table's 7s", s.bot.GroupInterval)
	}
	if help := optionsHelp(options); !strings.Contains(help, "SCAMGUARD_SEND_GROUP_INTERVAL, --send-group-interval\n      default 7s.") {
		t.Errorf("--help does not show the table's default:\n%s", help)
	}
	if table := readmeTable(options); !strings.Contains(table, "| `--send-group-interval` | `7s` |") {
		t.Errorf("README table does not show the table's default:\n%s", table)
	}
}

// TestTableDefaultsAreThePackages: where a part keeps defaults of its own
// (for callers that leave a field zero), the table reads them, so the
// binary and the library cannot part.
func TestTableDefaultsAreThePackages(t *testing.T) {
	s, err := parseOptions(botOptions(), nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	storeDef, llmDef := store.DefaultConfig(), llm.DefaultConfig()
	if s.store.Prefix != storeDef.Prefix || s.store.TTL != storeDef.TTL || s.store.Window != storeDef.Window {
		t.Errorf("store: %+v, package defaults %+v", s.store, storeDef)
	}
	if s.llm.Model != llmDef.Model || s.llm.Timeout != llmDef.Timeout || s.llm.UserPerHour != llmDef.UserPerHour ||
		s.llm.GlobalPerHour != llmDef.GlobalPerHour || s.llm.GreyLow != llmDef.GreyLow || s.llm.GreyHigh != llmDef.GreyHigh ||
		s.llm.Debounce != llmDef.Debounce {
		t.Errorf("llm: %+v, package defaults %+v", s.llm, llmDef)
	}
	if s.transcribe.Model != transcribe.DefaultModel {
		t.Errorf("transcribe model %q", s.transcribe.Model)
	}
}

func TestOptionsParse(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(settings) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(s settings) bool {
			return s.store.Prefix == "sg:" && s.store.TTL == 72*time.Hour && s.store.Window == 50 && s.store.URL == "" &&
				s.bot.BurstWindow == 2*time.Second && s.bot.GlobalInterval == time.Second/30 && !s.llm.Configured()
		}, ""},
		{"store from the environment", nil, map[string]string{store.EnvURL: "redis://r:6380/0", store.EnvAddrs: "a:1, b:2",
			store.EnvPrefix: "x:", store.EnvTTL: "1h", store.EnvWindow: "20"}, func(s settings) bool {
			return s.store.URL == "redis://r:6380/0" && len(s.store.Addrs) == 2 && s.store.Addrs[1] == "b:2" &&
				s.store.Prefix == "x:" && s.store.TTL == time.Hour && s.store.Window == 20
		}, ""},
		{"a flag wins over the environment", []string{"--redis-ttl", "2h"}, map[string]string{store.EnvTTL: "1h"},
			func(s settings) bool { return s.store.TTL == 2*time.Hour }, ""},
		{"llm", nil, map[string]string{llm.EnvBaseURL: "http://127.0.0.1:11434/v1", llm.EnvModel: "qwen2.5:7b", llm.EnvTimeout: "3s",
			llm.EnvUserPerHour: "5", llm.EnvGlobalPerHour: "0", llm.EnvGreyLow: "0.3", llm.EnvGreyHigh: "0.9", llm.EnvDebounce: "0s"},
			func(s settings) bool {
				c := s.llm
				return c.Configured() && c.Model == "qwen2.5:7b" && c.Timeout == 3*time.Second && c.UserPerHour == 5 &&
					c.GlobalPerHour == 0 && c.GreyLow == 0.3 && c.GreyHigh == 0.9 && c.Debounce == 0
			}, ""},
		{"voice notes fall back to the LLM", nil, map[string]string{llm.EnvBaseURL: "http://llm/v1", llm.EnvAPIKey: "k"},
			func(s settings) bool { return s.transcribe.BaseURL == "http://llm/v1" && s.transcribe.APIKey == "k" }, ""},
		{"voice notes' own endpoint", nil, map[string]string{transcribe.EnvURL: "http://whisper:8080/v1", llm.EnvBaseURL: "http://llm/v1"},
			func(s settings) bool {
				return s.transcribe.BaseURL == "http://whisper:8080/v1" && s.transcribe.APIKey == ""
			}, ""},
		{"moderators", nil, map[string]string{"SCAMGUARD_MODERATORS": "7", "SCAMGUARD_MOD_CHAT": "-100123", "SCAMGUARD_HTTP_ADDR": "127.0.0.1:8080"},
			func(s settings) bool {
				return s.review.moderators.Allowed(7) && s.review.modChat == -100123 &&
					s.review.consoleURL == "http://127.0.0.1:8080" && len(s.review.consoleSecret) > 0
			}, ""},
		{"bad TTL", nil, map[string]string{store.EnvTTL: "3 days"}, nil, store.EnvTTL},
		{"bad window", nil, map[string]string{store.EnvWindow: "-1"}, nil, store.EnvWindow},
		{"zero LLM timeout", nil, map[string]string{llm.EnvTimeout: "0s"}, nil, llm.EnvTimeout},
		{"bad LLM timeout", nil, map[string]string{llm.EnvTimeout: "soon"}, nil, llm.EnvTimeout},
		{"negative budget", nil, map[string]string{llm.EnvUserPerHour: "-1"}, nil, llm.EnvUserPerHour},
		{"grey zone out of range", nil, map[string]string{llm.EnvGreyLow: "2"}, nil, llm.EnvGreyLow},
		{"grey zone upside down", nil, map[string]string{llm.EnvGreyHigh: "0.1"}, nil, llm.EnvGreyHigh},
		{"short console secret", nil, map[string]string{"SCAMGUARD_CONSOLE_SECRET": "short"}, nil, "SCAMGUARD_CONSOLE_SECRET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]string{envToken: "1:x"}
			for k, v := range c.env {
				vars[k] = v
			}
			s, err := botSettings(c.args, env(vars), io.Discard)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(s) {
				t.Errorf("got %+v", s)
			}
		})
	}
}
