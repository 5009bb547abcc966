package sendqueue

import (
	"context"
	"sync"
	"time"
)

// While Redis fails, a message that cannot be stored is not dropped: it
// goes to this replica's in-process lanes, paced by this replica alone,
// like the queue was before it lived in Redis. Such a message is not
// durable (it dies with the process), not shared (the global pace and a
// 429's hold are this replica's) and not ordered with the chat's messages
// in Redis; the bot answers while its store is down, which matters more.
// A store call that timed out after Redis ran it leaves the message in
// both places: it is sent twice, the fallback's one duplicate window.

// localLanes are the in-process lanes by chat.
type localLanes struct {
	mu      sync.Mutex
	byChat  map[int64]*localLane
	global  pacer
	running sync.WaitGroup
}

// localLane is one chat's in-process messages and its pace.
type localLane struct {
	recs []record
	pace pacer
}

// sendLocal queues rec on chat's in-process lane; false when ChatCap
// already wait there.
func (q *Queue) sendLocal(chat int64, rec record) bool {
	l := &q.local
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byChat == nil {
		l.byChat = map[int64]*localLane{}
		l.global.interval = q.cfg.GlobalInterval
	}
	lane, active := l.byChat[chat]
	if active && len(lane.recs) >= q.cfg.ChatCap {
		return false
	}
	if !active {
		interval := q.cfg.ChatInterval
		if rec.Group {
			interval = q.cfg.GroupInterval
		}
		lane = &localLane{pace: pacer{interval: interval}}
		l.byChat[chat] = lane
		l.running.Add(1)
		go q.drainLocal(chat, lane)
	}
	lane.recs = append(lane.recs, rec)
	return true
}

// drainLocal delivers a lane's messages in order, then lets the chat go.
func (q *Queue) drainLocal(chat int64, lane *localLane) {
	l := &q.local
	defer l.running.Done()
	for {
		l.mu.Lock()
		if len(lane.recs) == 0 {
			delete(l.byChat, chat)
			l.mu.Unlock()
			return
		}
		rec := lane.recs[0]
		lane.recs = lane.recs[1:]
		l.mu.Unlock()
		q.deliverLocal(chat, lane, rec)
	}
}

// deliverLocal makes one call, retrying what Telegram says can be retried.
func (q *Queue) deliverLocal(chat int64, lane *localLane, rec record) {
	for attempt := 1; ; attempt++ {
		if !lane.pace.wait(q.ctx) || !q.local.global.wait(q.ctx) {
			q.metrics.failed.WithLabelValues(rec.What).Inc()
			q.log.Error("telegram send dropped: the bot stopped first", "chat", chat, "what", rec.What)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		sent, err := q.api.call(ctx, rec)
		cancel()
		if err == nil {
			q.metrics.sent.WithLabelValues(rec.What).Inc()
			q.metrics.lag.Observe(time.Since(time.UnixMilli(rec.Queued)).Seconds())
			q.runAfter(chat, rec, sent)
			return
		}
		pause, retry := retryAfter(err, firstBackoff<<min(attempt-1, 6))
		if !retry || attempt >= maxSendAttempts {
			q.metrics.failed.WithLabelValues(rec.What).Inc()
			q.log.Error("telegram send failed, giving up", "chat", chat, "what", rec.What, "err", err)
			return
		}
		q.metrics.retries.Inc()
		q.log.Warn("telegram send failed, retrying", "chat", chat, "what", rec.What, "attempt", attempt, "in", pause, "err", err)
		lane.pace.delay(pause) // a 429 holds the chat back as a whole
	}
}

// pacer hands out send slots at least interval apart.
type pacer struct {
	mu       sync.Mutex
	next     time.Time
	interval time.Duration
}

// wait takes the next slot and sleeps until it comes; false when ctx
// ended first.
func (p *pacer) wait(ctx context.Context) bool {
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
		case <-ctx.Done():
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
