package bot

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the bot's Prometheus series, on a registry of its own so
// that two bots in one test process do not collide.
type metrics struct {
	registry *prometheus.Registry

	updates      *prometheus.CounterVec // by kind: message, edited, callback, …
	duplicates   prometheus.Counter
	verdicts     *prometheus.CounterVec // replies by level
	degraded     *prometheus.CounterVec // by what failed: store, settings, …
	panics       prometheus.Counter
	handleTime   prometheus.Histogram // update received → done (reply queued or burst armed)
	sendQueued   prometheus.Gauge
	sent         *prometheus.CounterVec
	sendRetries  prometheus.Counter
	sendFailed   *prometheus.CounterVec
	feedback     *prometheus.CounterVec // button presses by action
	webhookAuth  prometheus.Counter     // webhook requests refused for a wrong secret
	llm          *prometheus.CounterVec // LLM reviews by outcome
	fingerprints *prometheus.CounterVec
	refused      *prometheus.CounterVec // buttons pressed by someone they are not for, by button
	poison       *prometheus.CounterVec // updates skipped because they could not be decoded or handled, by stage
}

func newMetrics() *metrics {
	r := prometheus.NewRegistry()
	m := &metrics{
		registry:   r,
		updates:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_updates_total", Help: "Telegram updates received, by kind."}, []string{"kind"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_updates_duplicate_total", Help: "Updates delivered twice and handled once."}),
		verdicts:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_replies_total", Help: "Check replies sent, by verdict level."}, []string{"level"}),
		degraded:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_degraded_total", Help: "Updates handled without a working dependency, by dependency."}, []string{"dependency"}),
		panics:     prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_panics_total", Help: "Handler panics recovered."}),
		handleTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scamguard_update_handle_seconds", Help: "Time from receiving an update to its reply being queued (or its burst armed).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		sendQueued:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "scamguard_send_queue_length", Help: "Messages waiting in the send queue."}),
		sent:         prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_sent_total", Help: "Bot API calls delivered, by purpose."}, []string{"what"}),
		sendRetries:  prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_retries_total", Help: "Bot API calls retried after 429, 5xx or a network error."}),
		sendFailed:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_send_failed_total", Help: "Bot API calls given up, by purpose."}, []string{"what"}),
		feedback:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_buttons_total", Help: "Inline button presses, by action."}, []string{"action"}),
		webhookAuth:  prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_webhook_refused_total", Help: "Webhook requests refused for a missing or wrong secret token."}),
		llm:          prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_llm_reviews_total", Help: "Grey-zone LLM reviews, by outcome."}, []string{"outcome"}),
		fingerprints: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_fingerprint_matches_total", Help: "Conversations matched against moderators' fingerprints, by set."}, []string{"set"}),
		refused:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_buttons_refused_total", Help: "Buttons pressed by someone they are not for (another chat's case, a non-moderator), by button."}, []string{"button"}),
		poison:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_updates_skipped_total", Help: "Updates skipped after they could not be decoded or handled, by stage (decode, handle)."}, []string{"stage"}),
	}
	r.MustRegister(m.updates, m.duplicates, m.verdicts, m.degraded, m.panics, m.handleTime, m.sendQueued,
		m.sent, m.sendRetries, m.sendFailed, m.feedback, m.webhookAuth, m.llm, m.fingerprints, m.refused, m.poison,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
