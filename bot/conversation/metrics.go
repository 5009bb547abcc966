package conversation

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the bot's Prometheus series, on a registry of its own so
// that two bots in one test process do not collide (the send queue adds
// its own series to Registry).
type Metrics struct {
	Registry *prometheus.Registry

	Updates      *prometheus.CounterVec // by kind: message, edited, callback, …
	Duplicates   prometheus.Counter
	Verdicts     *prometheus.CounterVec // replies by level
	Degraded     *prometheus.CounterVec // by what failed: store, settings, …
	Panics       prometheus.Counter
	HandleTime   prometheus.Histogram   // update received → done (reply queued or burst armed)
	Feedback     *prometheus.CounterVec // button presses by action
	WebhookAuth  prometheus.Counter     // webhook requests refused for a wrong secret
	LLM          *prometheus.CounterVec // LLM reviews by outcome
	Fingerprints *prometheus.CounterVec
	Refused      *prometheus.CounterVec // buttons pressed by someone they are not for, by button
	Poison       *prometheus.CounterVec // updates skipped because they could not be decoded or handled, by stage

	// Replicas: bursts claimed (one per answer), of them claimed again
	// after a lease ended or a claim was given back, and the lag from a
	// burst's first message stored to its answer stored in the send queue.
	BurstClaims       prometheus.Counter
	BurstRedeliveries prometheus.Counter
	BurstLag          prometheus.Histogram
}

// NewMetrics registers the series on a new registry.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry:   r,
		Updates:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_updates_total", Help: "Telegram updates received, by kind."}, []string{"kind"}),
		Duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_updates_duplicate_total", Help: "Updates delivered twice and handled once."}),
		Verdicts:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_replies_total", Help: "Check replies sent, by verdict level."}, []string{"level"}),
		Degraded:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_degraded_total", Help: "Updates handled without a working dependency, by dependency."}, []string{"dependency"}),
		Panics:     prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_panics_total", Help: "Handler panics recovered."}),
		HandleTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scamguard_update_handle_seconds", Help: "Time from receiving an update to its reply being queued (or its burst armed).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		Feedback:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_buttons_total", Help: "Inline button presses, by action."}, []string{"action"}),
		WebhookAuth:  prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_webhook_refused_total", Help: "Webhook requests refused for a missing or wrong secret token."}),
		LLM:          prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_llm_reviews_total", Help: "Grey-zone LLM reviews, by outcome."}, []string{"outcome"}),
		Fingerprints: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_fingerprint_matches_total", Help: "Conversations matched against moderators' fingerprints, by set."}, []string{"set"}),
		Refused:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_buttons_refused_total", Help: "Buttons pressed by someone they are not for (another chat's case, a non-moderator), by button."}, []string{"button"}),
		Poison:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_updates_skipped_total", Help: "Updates skipped after they could not be decoded or handled, by stage (decode, handle)."}, []string{"stage"}),
		BurstClaims:  prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_burst_claims_total", Help: "Private bursts claimed by this replica to be answered."}),
		BurstRedeliveries: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_burst_redeliveries_total",
			Help: "Bursts claimed again after another claim's lease ended (its replica died or lost Redis) or was given back."}),
		BurstLag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scamguard_burst_lag_seconds",
			Help:    "Time from a burst's first message stored (update accepted) to its answer stored in the send queue; the burst window included.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)}),
	}
	r.MustRegister(m.Updates, m.Duplicates, m.Verdicts, m.Degraded, m.Panics, m.HandleTime,
		m.Feedback, m.WebhookAuth, m.LLM, m.Fingerprints, m.Refused, m.Poison,
		m.BurstClaims, m.BurstRedeliveries, m.BurstLag,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
