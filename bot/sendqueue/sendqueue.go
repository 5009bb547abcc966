// Package sendqueue is the bot's one outbound queue, the last step of an
// update's way through the bot. Every call to the Bot API that sends or
// edits something goes through it, so Telegram's limits are kept in one
// place: a private chat gets at most one message per ChatInterval, a group
// one per GroupInterval, and the bot one per GlobalInterval in all. A
// chat's messages leave in the order they were queued, each after the
// previous one was delivered or given up, so a retry never reorders a
// chat. It knows nothing of what it sends: a job is a function that makes
// one Bot API call.
package sendqueue

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultChatCap is how many calls may wait for one chat: a user who
// sends /help a thousand times gets ten answers, not sixteen minutes of them.
const DefaultChatCap = 10

// Config paces the queue; a zero interval sends without waiting.
type Config struct {
	// ChatCap is the most calls that wait for one chat (the one being
	// made not counted); a call past it is refused (Send says so) and
	// counted. 0 means DefaultChatCap.
	ChatCap int
	// ChatInterval, GroupInterval and GlobalInterval space out messages
	// sent to one private chat, one group, and in all.
	ChatInterval   time.Duration
	GroupInterval  time.Duration
	GlobalInterval time.Duration
}

// Queue is the outbound queue; safe for concurrent use.
type Queue struct {
	cfg     Config
	log     *slog.Logger
	metrics queueMetrics
	global  pacer

	mu      sync.Mutex
	byChat  map[int64]*sendLane
	running sync.WaitGroup
	// stop ends the waits of a retry when the bot's drain time is over.
	stop     chan struct{}
	stopOnce sync.Once
}

// queueMetrics are the queue's Prometheus series.
type queueMetrics struct {
	queued  prometheus.Gauge
	sent    *prometheus.CounterVec
	retries prometheus.Counter
	failed  *prometheus.CounterVec
	dropped *prometheus.CounterVec
}

func newQueueMetrics(reg prometheus.Registerer) queueMetrics {
	m := queueMetrics{
		queued:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "scamguard_send_queue_length", Help: "Messages waiting in the send queue."}),
		sent:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_sent_total", Help: "Bot API calls delivered, by purpose."}, []string{"what"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "scamguard_send_retries_total", Help: "Bot API calls retried after 429, 5xx or a network error."}),
		failed:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_send_failed_total", Help: "Bot API calls given up, by purpose."}, []string{"what"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "scamguard_send_dropped_total", Help: "Bot API calls refused because their chat had too many waiting, by purpose."}, []string{"what"}),
	}
	reg.MustRegister(m.queued, m.sent, m.retries, m.failed, m.dropped)
	return m
}

// sendLane is one chat's queue and its pace.
type sendLane struct {
	jobs  []sendJob
	pace  pacer
	group bool
}

// sendJob is one call to the Bot API on behalf of a chat. what names it
// in logs and metrics ("reply", "command", "warning", …).
type sendJob struct {
	what string
	call func(ctx context.Context) error
}

// Retry bounds: Telegram asks for a pause with 429 and retry_after; a 5xx
// or a network error gets an exponential backoff from firstBackoff up to
// maxBackoff, so a reply outlives about a minute of Telegram being down.
const (
	maxSendAttempts = 8
	firstBackoff    = 500 * time.Millisecond
	maxBackoff      = 30 * time.Second
	maxRetryAfter   = 5 * time.Minute
)

// New builds a queue whose series are registered on reg.
func New(cfg Config, log *slog.Logger, reg prometheus.Registerer) *Queue {
	if cfg.ChatCap <= 0 {
		cfg.ChatCap = DefaultChatCap
	}
	return &Queue{cfg: cfg, log: log, metrics: newQueueMetrics(reg), global: pacer{interval: cfg.GlobalInterval},
		byChat: make(map[int64]*sendLane), stop: make(chan struct{})}
}

// Send queues call for chat; group chats are paced as groups. what names
// the call in logs and metrics ("reply", "warning", "card", …). It reports
// whether the call was queued: false when ChatCap calls already wait for
// chat (the call is dropped).
func (o *Queue) Send(chat int64, group bool, what string, call func(ctx context.Context) error) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	lane, active := o.byChat[chat]
	if active && len(lane.jobs) >= o.cfg.ChatCap {
		o.metrics.dropped.WithLabelValues(what).Inc()
		o.log.Debug("send queue full for this chat; message dropped", "chat", chat, "what", what, "waiting", len(lane.jobs))
		return false
	}
	if !active {
		interval := o.cfg.ChatInterval
		if group {
			interval = o.cfg.GroupInterval
		}
		lane = &sendLane{pace: pacer{interval: interval}, group: group}
		o.byChat[chat] = lane
		o.running.Add(1)
		go o.drain(chat, lane)
	}
	lane.jobs = append(lane.jobs, sendJob{what: what, call: call})
	o.metrics.queued.Inc()
	return true
}

// drain delivers a chat's jobs in order, then lets the chat go. The lane
// stays in the map while it runs, so its pace carries over to jobs queued
// meanwhile.
func (o *Queue) drain(chat int64, lane *sendLane) {
	defer o.running.Done()
	for {
		o.mu.Lock()
		if len(lane.jobs) == 0 {
			delete(o.byChat, chat)
			o.mu.Unlock()
			return
		}
		job := lane.jobs[0]
		lane.jobs[0] = sendJob{}
		lane.jobs = lane.jobs[1:]
		o.mu.Unlock()
		o.deliver(chat, lane, job)
		o.metrics.queued.Dec()
	}
}

// deliver makes one job's call, retrying what Telegram says can be retried.
func (o *Queue) deliver(chat int64, lane *sendLane, job sendJob) {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		if !lane.pace.wait(o.stop) || !o.global.wait(o.stop) {
			o.giveUp(chat, job, errors.New("bot is stopping"))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := job.call(ctx)
		cancel()
		if err == nil {
			o.metrics.sent.WithLabelValues(job.what).Inc()
			return
		}
		pause, retry := retryAfter(err, backoff)
		if !retry || attempt >= maxSendAttempts {
			o.giveUp(chat, job, err)
			return
		}
		o.metrics.retries.Inc()
		o.log.Warn("telegram send failed, retrying", "chat", chat, "what", job.what, "attempt", attempt, "in", pause, "err", err)
		// A 429 holds the chat back as a whole: later messages wait too.
		lane.pace.delay(pause)
		backoff = min(2*backoff, maxBackoff)
	}
}

func (o *Queue) giveUp(chat int64, job sendJob, err error) {
	o.metrics.failed.WithLabelValues(job.what).Inc()
	o.log.Error("telegram send failed, giving up", "chat", chat, "what", job.what, "err", err)
}

// retryAfter says whether err can be retried and after how long: 429 after
// the retry_after Telegram gave; 5xx and network errors after backoff;
// other 4xx (blocked by the user, bad request) never.
func retryAfter(err error, backoff time.Duration) (time.Duration, bool) {
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		pause := time.Duration(tooMany.RetryAfter) * time.Second
		if pause <= 0 {
			pause = time.Second
		}
		return min(pause, maxRetryAfter), true
	}
	for _, final := range []error{tgbot.ErrorForbidden, tgbot.ErrorBadRequest, tgbot.ErrorUnauthorized, tgbot.ErrorNotFound, tgbot.ErrorConflict} {
		if errors.Is(err, final) {
			return 0, false
		}
	}
	var migrate *tgbot.MigrateError
	if errors.As(err, &migrate) {
		return 0, false
	}
	return backoff, true
}

// Close waits until every queued message was delivered or given up, or
// until ctx ends; then pending waits are cut short and the rest is dropped
// (and counted).
func (o *Queue) Close(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		o.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		o.stopOnce.Do(func() { close(o.stop) })
		<-done
	}
}

// pacer hands out send slots at least interval apart.
type pacer struct {
	mu       sync.Mutex
	next     time.Time
	interval time.Duration
}

// wait takes the next slot and sleeps until it comes; false when stop
// closed first.
func (p *pacer) wait(stop <-chan struct{}) bool {
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	if wait := time.Until(slot); wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-stop:
			return false
		}
	}
	return true
}

// delay pushes the next slot at least d into the future.
func (p *pacer) delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.next) {
		p.next = until
	}
}
