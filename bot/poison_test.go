package bot_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// poisonUpdate is a message whose entities are a string: go-telegram/bot's
// models cannot decode it, and a client that decodes a whole getUpdates
// batch at once fails on it at the same offset forever.
func poisonUpdate(chat int64) string {
	return fmt.Sprintf(`{"message":{"message_id":1,"date":%d,"chat":{"id":%d,"type":"private","first_name":"P"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"P"},"text":"hi","entities":"bold"}}`, time.Now().Unix(), chat, chat)
}

func TestPoisonUpdateIsSkippedAndTheNextOneAnswered(t *testing.T) {
	t.Parallel()
	// The premise: the library's batch decoding fails on this update.
	var batch []*models.Update
	if err := json.Unmarshal([]byte("["+poisonUpdate(1)+"]"), &batch); err == nil {
		t.Fatal("the poison update decodes: the test would prove nothing")
	}
	h := newHarness(t)
	h.start()
	const chat = 8301
	// Let the bot settle into its poll first, so that the time measured
	// is the poison's cost, not the start's.
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	h.waitSent(chat, 1)

	pushed := time.Now()
	h.api.PushRaw(poisonUpdate(chat))
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	deadline := time.Now().Add(15 * time.Second)
	for len(h.sent(chat)) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(h.sent(chat)) < 2 {
		t.Fatalf("after a poison update the next message got no answer within 15 s")
	}
	t.Logf("poison update → next answer sent: %v", time.Since(pushed).Round(time.Millisecond))
	metrics := h.get(t, "/metrics")
	if !strings.Contains(metrics, `scamguard_updates_skipped_total{stage="decode"} 1`) {
		t.Error("the skipped update is not counted")
	}
	if code, body := health(t, h); code != http.StatusOK || !strings.Contains(body, `"intake":"polling"`) {
		t.Errorf("/healthz = %d %s, want 200 and polling", code, body)
	}
}

func TestHealthzReportsStalledIntake(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 8302
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	h.waitSent(chat, 1)
	// Every poll fails for longer than two poll timeouts (4 s here; seven
	// failures with their back-off take about 11 s), and a message waits.
	h.api.Fail("getUpdates", http.StatusBadGateway, 0, 7)
	waitFor(t, "/healthz to say stalled", func() bool {
		code, body := health(t, h)
		return code == http.StatusServiceUnavailable && strings.Contains(body, `"intake":"stalled"`)
	})
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	// Once polls succeed again the pending message is answered and intake
	// is healthy.
	h.waitSent(chat, 2)
	if code, body := health(t, h); code != http.StatusOK {
		t.Errorf("after recovery /healthz = %d %s", code, body)
	}
}

// health fetches /healthz whatever its status.
func health(t testing.TB, h *harness) (int, string) {
	t.Helper()
	server := httptest.NewServer(h.bot.Handler())
	defer server.Close()
	resp, err := http.Get(server.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMetricsNeedTheTokenOrTheirOwnAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.cfg.MetricsAddr = "127.0.0.1:0"
	h.start()
	server := httptest.NewServer(h.bot.Handler())
	defer server.Close()
	for _, auth := range []string{"", "Bearer wrong", "test-metrics-token"} {
		req, _ := http.NewRequest(http.MethodGet, server.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("/metrics with Authorization %q: %s, want 401", auth, resp.Status)
		}
	}
	if metrics := h.get(t, "/metrics"); !strings.Contains(metrics, "scamguard_panics_total") {
		t.Error("/metrics with the token does not serve the metrics")
	}
	// Without a token the public address does not serve /metrics at all;
	// the metrics' own handler does, for an address of their own.
	bare := newHarness(t)
	bare.cfg.MetricsToken = ""
	bare.start()
	public := httptest.NewServer(bare.bot.Handler())
	defer public.Close()
	if resp, err := http.Get(public.URL + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics without a configured token: %v %v, want 404", resp.Status, err)
	}
	own := httptest.NewServer(bare.bot.MetricsHandler())
	defer own.Close()
	resp, err := http.Get(own.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the metrics' own handler: %v %v", resp.Status, err)
	}
}

func TestTextWithoutLettersIsAnsweredInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	for i, text := range []string{"😀🙏👍", "/", "\u200b", "13812345678"} {
		chat := int64(8501 + i)
		upd := telegramtest.Text(chat, chat, text)
		upd.Message.From.LanguageCode = "zh-hans"
		h.api.Push(upd)
		sent := h.waitSent(chat, 1)
		if !strings.Contains(sent[0].Params["text"], headlineNoneZh) {
			t.Errorf("%q from a zh user was answered:\n%s", text, sent[0].Params["text"])
		}
	}
	// Letters still decide: English text from a zh user is answered in English.
	upd := telegramtest.Text(8510, 8510, "hello, is this your parcel?")
	upd.Message.From.LanguageCode = "zh-hans"
	h.api.Push(upd)
	if sent := h.waitSent(8510, 1); strings.Contains(sent[0].Params["text"], headlineNoneZh) {
		t.Errorf("English text was answered in Chinese:\n%s", sent[0].Params["text"])
	}
}
