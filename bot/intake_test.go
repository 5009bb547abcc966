package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/bot/transport"
)

// webhookHarness is a harness whose bot runs in webhook mode with the
// secret derived from the token, taking over unacknowledged updates fast.
func webhookHarness(t testing.TB) *harness {
	t.Helper()
	h := newHarness(t)
	h.cfg.WebhookURL = "https://bot.example.org/hook/tg"
	h.cfg.IntakeClaimAfter = 400 * time.Millisecond
	return h
}

// serve starts h's bot and serves its Handler.
func serve(t testing.TB, h *harness) *httptest.Server {
	t.Helper()
	h.start()
	server := httptest.NewServer(h.bot.Handler())
	t.Cleanup(server.Close)
	return server
}

// post delivers upd with the derived secret and returns the status.
func post(t testing.TB, h *harness, server *httptest.Server, upd models.Update) int {
	t.Helper()
	resp, err := telegramtest.PostWebhook(server.URL+"/hook/tg", transport.DerivedWebhookSecret(h.cfg.Token), upd)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookSecretIsDerivedAndRegistrationIsExplicit(t *testing.T) {
	t.Parallel()
	h := webhookHarness(t)
	server := serve(t, h)
	const chat = 6101
	upd := telegramtest.Text(chat, chat, "/help")
	upd.ID = 910001
	for _, secret := range []string{"", "wrong", transport.DerivedWebhookSecret("another:token")} {
		resp, err := telegramtest.PostWebhook(server.URL+"/hook/tg", secret, upd)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: %s, want 401", secret, resp.Status)
		}
	}
	if code := post(t, h, server, upd); code != http.StatusOK {
		t.Fatalf("the secret derived from the token: %d, want 200", code)
	}
	h.waitSent(chat, 1)
	if calls := h.api.Calls("setWebhook"); len(calls) != 0 {
		t.Errorf("a start called setWebhook %d times; registration is `scamguard webhook set`", len(calls))
	}
	if transport.DerivedWebhookSecret(h.cfg.Token) == transport.DerivedWebhookSecret(h.cfg.Token+"x") {
		t.Error("the derived secret does not depend on the token")
	}
}

func TestWebhookAnswers200OnlyOnceStored(t *testing.T) {
	t.Parallel()
	h := webhookHarness(t)
	server := serve(t, h)
	const chat = 6102
	first := telegramtest.Text(chat, chat, "/help")
	first.ID = 920001
	if code := post(t, h, server, first); code != http.StatusOK {
		t.Fatalf("with Redis up: %d, want 200", code)
	}
	// A retry of a stored update is acknowledged and not handled again.
	if code := post(t, h, server, first); code != http.StatusOK {
		t.Fatalf("a retry: %d, want 200", code)
	}
	h.waitSent(chat, 1)

	h.redis.Stop()
	second := telegramtest.Text(chat, chat, "/privacy")
	second.ID = 920002
	if code := post(t, h, server, second); code < 500 {
		t.Fatalf("with Redis down: %d, want 5xx so that Telegram sends it again", code)
	}
	code, health := healthOf(t, server)
	if code != http.StatusServiceUnavailable || health["status"] != "degraded" || health["store"] != "down" {
		t.Errorf("/healthz with Redis stopped = %d %v, want 503 degraded, store down", code, health)
	}

	// Redis is back (empty: it kept nothing): Telegram's retry is stored,
	// read by the consumer (which makes its group again) and answered.
	h.redis.Start()
	if code := post(t, h, server, second); code != http.StatusOK {
		t.Fatalf("Telegram's retry after Redis came back: %d, want 200", code)
	}
	sent := h.waitSent(chat, 2)
	if len(sent) != 2 {
		t.Errorf("chat got %d answers, want 2: %v", len(sent), texts(sent))
	}
	code, health = healthOf(t, server)
	if code != http.StatusOK || health["status"] != "degraded" || health["store"] != "failing" || health["store_failed_at"] == "" {
		t.Errorf("/healthz just after Redis failed = %d %v, want 200, degraded, failing, with the time", code, health)
	}
}

func TestHealthzIsDegradedWhenRedisStopsWhilePolling(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	server := httptest.NewServer(h.bot.Handler())
	defer server.Close()
	if code, health := healthOf(t, server); code != http.StatusOK || health["status"] != "ok" || health["store"] != "ok" {
		t.Fatalf("/healthz with Redis up = %d %v, want 200 ok", code, health)
	}
	h.redis.Stop()
	code, health := healthOf(t, server)
	if code != http.StatusOK || health["status"] != "degraded" || health["store"] != "down" {
		t.Errorf("/healthz with Redis stopped = %d %v, want 200 (users are still answered), degraded, store down", code, health)
	}
}

func TestAnUpdateAcknowledgedByADeadReplicaIsAnsweredByAnother(t *testing.T) {
	t.Parallel()
	const chat = 6103
	h := webhookHarness(t)
	taken := make(chan struct{})
	h.beforeHandle = func(upd *models.Update) {
		if upd.Message != nil && upd.Message.Chat.ID == chat {
			// Replica A dies with the update read, after Telegram got its
			// 200: nothing after this line runs, nothing is acknowledged.
			close(taken)
			runtime.Goexit()
		}
	}
	server := serve(t, h)
	upd := telegramtest.Text(chat, chat, "/help")
	upd.ID = 930001
	if code := post(t, h, server, upd); code != http.StatusOK {
		t.Fatalf("post: %d, want 200", code)
	}
	select {
	case <-taken:
	case <-time.After(15 * time.Second):
		t.Fatal("replica A never read the update")
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if pending, _, err := h.store.Intake().Pending(context.Background()); err != nil || pending != 1 {
		t.Fatalf("after A died: %d pending (%v), want the update still pending", pending, err)
	}
	if sent := h.sent(chat); len(sent) != 0 {
		t.Fatalf("A answered before dying: %v", texts(sent))
	}

	// Replica B on the same Redis takes the update over and answers it,
	// once.
	b := &harness{t: t, api: h.api, redis: h.redis, cfg: h.cfg}
	b.store = b.openStore()
	b.start()
	sent := b.waitSent(chat, 1)
	if len(sent) != 1 || !isHelp(sent[0].Params["text"]) {
		t.Errorf("after A died the chat got %v, want one answer to /help", texts(sent))
	}
	// Acknowledgements are batched (transport.ackLinger): wait for them.
	deadline := time.Now().Add(5 * time.Second)
	for {
		pending, queued, err := b.store.Intake().Pending(context.Background())
		if err == nil && pending == 0 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after B answered: %d pending, %d queued (%v), want none", pending, queued, err)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// healthOf fetches /healthz and decodes it.
func healthOf(t *testing.T, server *httptest.Server) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(server.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var health map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, health
}
