package sendqueue

import "github.com/prometheus/client_golang/prometheus"

// queueMetrics are the queue's Prometheus series. Depth and the due-set
// are read from Redis at scrape, so every replica reports the shared
// queue; the counters are this replica's.
type queueMetrics struct {
	sent         *prometheus.CounterVec
	retries      prometheus.Counter
	failed       *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	duplicates   prometheus.Counter
	claims       prometheus.Counter
	redeliveries prometheus.Counter
	lag          prometheus.Histogram
	local        prometheus.Counter
}

func newQueueMetrics(reg prometheus.Registerer, depth func() float64) queueMetrics {
	m := queueMetrics{
		sent:         prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_sent_total", Help: "Bot API calls delivered by this replica, by purpose."}, []string{"what"}),
		retries:      prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_retries_total", Help: "Bot API calls retried after 429, 5xx or a network error."}),
		failed:       prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_send_failed_total", Help: "Bot API calls given up (refused by Telegram, out of attempts, or not storable), by purpose."}, []string{"what"}),
		dropped:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_send_dropped_total", Help: "Bot API calls refused because their chat had too many waiting, by purpose."}, []string{"what"}),
		duplicates:   prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_duplicates_total", Help: "Messages not queued because one with the same key was queued or sent already."}),
		claims:       prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_claims_total", Help: "Claims this replica won on a chat's next message."}),
		redeliveries: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_redeliveries_total", Help: "Messages claimed again after a claim lapsed without an outcome (a replica died or lost Redis while sending)."}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "scamguard_send_lag_seconds", Help: "From a message queued to Telegram accepting it.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}}),
		local: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_local_total", Help: "Messages Redis could not store, sent from this process's memory (not durable, paced by this replica alone)."}),
	}
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "scamguard_send_queue_length", Help: "Messages waiting in the shared send queue (over the first 1,000 chats of the due-set)."}, depth)
	reg.MustRegister(queued, m.sent, m.retries, m.failed, m.dropped, m.duplicates, m.claims, m.redeliveries, m.lag, m.local)
	return m
}
