package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/bot/transport"
)

func TestWebhookCommandRegistersOnce(t *testing.T) {
	api := telegramtest.New(t)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":    api.Token(),
		"TELEGRAM_API_URL":      api.URL(),
		"SCAMGUARD_WEBHOOK_URL": "https://bot.example.org/hook/tg",
	}
	getenv := func(name string) string { return env[name] }
	webhook := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := webhookCommand(args, getenv, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	if code, out, errs := webhook("set"); code != 0 || strings.Contains(out+errs, transport.DerivedWebhookSecret(api.Token())) {
		t.Fatalf("set: exit %d, %q %q (want 0, and the secret never printed)", code, out, errs)
	}
	calls := api.Calls("setWebhook")
	if len(calls) != 1 {
		t.Fatalf("setWebhook called %d times, want 1", len(calls))
	}
	if got := calls[0].Params["secret_token"]; got != transport.DerivedWebhookSecret(api.Token()) {
		t.Errorf("secret_token %q, want the one every replica derives from the token", got)
	}
	if got := calls[0].Params["allowed_updates"]; !strings.Contains(got, "callback_query") || !strings.Contains(got, "my_chat_member") {
		t.Errorf("allowed_updates = %s, want them explicit", got)
	}
	if code, out, _ := webhook("info"); code != 0 || !strings.Contains(out, "url: https://bot.example.org/hook/tg") {
		t.Errorf("info after set: exit %d, %q", code, out)
	}

	env["SCAMGUARD_WEBHOOK_SECRET"] = "shared_secret-1"
	if code, _, errs := webhook("set"); code != 0 {
		t.Fatalf("set with a secret: exit %d, %q", code, errs)
	}
	if got := api.Calls("setWebhook")[1].Params["secret_token"]; got != "shared_secret-1" {
		t.Errorf("a configured secret: secret_token %q", got)
	}

	if code, out, _ := webhook("delete"); code != 0 || !strings.Contains(out, "deleted") {
		t.Errorf("delete: exit %d, %q", code, out)
	}
	if code, out, _ := webhook("info"); code != 0 || !strings.Contains(out, "(none: long polling)") {
		t.Errorf("info after delete: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{}, {"launch"}, {"set", "--webhook-url", "http://plain.example.org"}} {
		if code, _, _ := webhook(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
