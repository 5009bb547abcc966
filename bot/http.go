package bot

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/review"
)

// Handler serves /healthz, /metrics, the moderators' console (with a
// review queue) and, in webhook mode, the webhook.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.serveHealth)
	if b.cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", b.requireToken(b.MetricsHandler()))
	}
	if console := b.moderation.Console(); console != nil {
		mux.Handle(review.Path+"/", console)
	}
	if b.cfg.WebhookURL != "" {
		mux.Handle("POST "+transport.WebhookPath(b.cfg.WebhookURL), b.webhook)
	}
	return mux
}

// MetricsHandler serves the Prometheus metrics to anyone who reaches it:
// Run serves it alone on Config.MetricsAddr, and Handler behind
// Config.MetricsToken.
func (b *Bot) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(b.room.Metrics.Registry, promhttp.HandlerOpts{})
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

// recentFailure is how long a failed Redis call keeps /healthz degraded.
const recentFailure = time.Minute

// serveHealth answers 200 while the bot runs; the body says whether the
// store answers. Redis failing (the ping now, or any call in the last
// recentFailure) makes the status "degraded": users are still answered,
// on their burst's messages alone, but state is being lost. In webhook mode
// a failed ping is 503 as well: the webhook cannot store updates, so this
// replica should leave the load balancer. When polling has read nothing
// for two poll timeouts because every getUpdates failed, intake is
// "stalled" and the answer is 503: users are not being answered, whatever
// else works.
func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	status := map[string]string{"status": "ok", "store": "ok"}
	code := http.StatusOK
	mode, _ := b.mode.Load().(string)
	health := b.room.Store.Health(r.Context())
	if !health.LastFailure.IsZero() && time.Since(health.LastFailure) < recentFailure {
		status["status"], status["store"] = "degraded", "failing"
		status["store_failed_at"] = health.LastFailure.UTC().Format(time.RFC3339)
	}
	if health.PingErr != nil {
		status["status"], status["store"] = "degraded", "down"
		if mode == "webhook" {
			code = http.StatusServiceUnavailable
		}
	}
	if mode != "" {
		status["intake"] = mode
	}
	if b.poller.Stalled(time.Now(), 2*b.cfg.PollTimeout) {
		status["status"], status["intake"] = "stalled", "stalled"
		if ok := b.poller.LastOK(); !ok.IsZero() {
			status["last_poll_ok"] = ok.UTC().Format(time.RFC3339)
		}
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(status)
}
