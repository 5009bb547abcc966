package bot

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scamguard/scamguard/review"
)

// maxUpdateBytes bounds a webhook request body; Telegram's updates are far
// smaller, and a stranger's request must not cost memory.
const maxUpdateBytes = 1 << 20

// DefaultWebhookPath is where updates are received when the webhook URL
// has no path of its own.
const DefaultWebhookPath = "/telegram/webhook"

// Handler serves /healthz, /metrics, the moderators' console (with a
// review queue) and, in webhook mode, the webhook.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.serveHealth)
	if b.cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", b.requireToken(b.MetricsHandler()))
	}
	if b.console != nil {
		mux.Handle(review.Path+"/", b.console)
	}
	if b.cfg.WebhookURL != "" {
		mux.HandleFunc("POST "+webhookPath(b.cfg.WebhookURL), b.serveWebhook)
	}
	return mux
}

// MetricsHandler serves the Prometheus metrics to anyone who reaches it:
// Run serves it alone on Config.MetricsAddr, and Handler behind
// Config.MetricsToken.
func (b *Bot) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(b.metrics.registry, promhttp.HandlerOpts{})
}

// requireToken refuses a request without "Authorization: Bearer <the
// metrics token>", compared in constant time.
func (b *Bot) requireToken(next http.Handler) http.Handler {
	want := []byte("Bearer " + b.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// webhookPath is the path part of the webhook URL.
func webhookPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" || u.Path == "/" {
		return DefaultWebhookPath
	}
	return u.Path
}

// serveHealth answers 200 while the bot runs; the body says whether the
// store answers (without it the bot still answers users, degraded). When
// polling has read nothing for two poll timeouts because every getUpdates
// failed, intake is "stalled" and the answer is 503: users are not being
// answered, whatever else works.
func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	status := map[string]string{"status": "ok", "store": "ok"}
	if err := b.deps.Store.Ping(r.Context()); err != nil {
		status["store"] = "down"
	}
	code := http.StatusOK
	if mode, _ := b.intake.mode.Load().(string); mode != "" {
		status["intake"] = mode
	}
	if b.intake.stalled(time.Now(), 2*b.cfg.PollTimeout) {
		status["status"], status["intake"] = "stalled", "stalled"
		if ok := b.intake.lastOK.Load(); ok != 0 {
			status["last_poll_ok"] = time.Unix(0, ok).UTC().Format(time.RFC3339)
		}
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(status)
}

// serveWebhook takes an update from Telegram. A request without the
// secret token Telegram was given is refused with 401 before its body is
// read; a malformed body gets 400 (Telegram does not retry 4xx, and a
// forged one deserves no retry).
func (b *Bot) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 || b.cfg.WebhookSecret == "" {
		b.metrics.webhookAuth.Inc()
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "update too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	upd, id, err := decodeUpdate(body)
	switch {
	case err != nil && id < 0:
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	case err != nil:
		// An update Telegram sent that this code cannot read: skipped and
		// acknowledged, or Telegram would send it again and again.
		b.skipUpdate(id, err)
	default:
		b.HandleUpdate(upd)
	}
	w.WriteHeader(http.StatusOK)
}
