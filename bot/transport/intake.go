package transport

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/store"
)

// DefaultClaimAfter is how long an update may stay read and unacknowledged
// before another replica takes it over. A live consumer keeps its updates
// (Touch) however long they wait on their lanes, so this is how soon a
// dead replica's updates are answered, not a bound on handling.
const DefaultClaimAfter = time.Minute

// readLinger is how long the consumer waits after a read that brought
// updates before it reads again, so that under load one round trip
// acknowledges what was handled meanwhile and reads what came: a few
// milliseconds on an update's way, against one round trip per update.
const readLinger = 10 * time.Millisecond

// ackLinger bounds how long a handled update waits for its
// acknowledgement when no read comes to carry it (the consumer waits on
// an idle intake, or has stopped).
const ackLinger = 20 * time.Millisecond

// maxInFlight bounds the updates one replica has read and not yet handled:
// past it, it stops reading and the rest wait in Redis for any replica.
const maxInFlight = 1024

// Consumer reads the durable intake (the updates the webhook stored) as
// one consumer of the replicas' group and hands each update to Handle; the
// entry is acknowledged when Handle's done is called, after the update was
// handled. An entry read by a replica that died (or by this process before
// a restart) is claimed again after ClaimAfter and handed on: nothing
// stored is lost, and an update is answered twice only when a replica dies
// between answering and acknowledging.
type Consumer struct {
	Intake *store.Intake
	// Name is this process in the consumer group (store.ConsumerName).
	Name       string
	ClaimAfter time.Duration
	Log        *slog.Logger
	// Handle takes a decoded update and calls done once it was handled;
	// false means it cannot take it now (stopping): the entry stays
	// pending and another replica, or the next start, gets it.
	Handle func(upd *models.Update, done func()) bool
	// Skip: as Poller's; a skipped entry is acknowledged.
	Skip func(id int64, err error)

	mu       sync.Mutex
	inFlight map[string]bool
	slots    chan struct{}
	// handled waits to be acknowledged: by the next read, or by flush
	// ackLinger after the first of them (flushing).
	handled  []store.Handled
	flushing bool
}

// Run reads the intake until ctx ends. Updates already handed on still
// finish and are acknowledged after it returns.
func (c *Consumer) Run(ctx context.Context) {
	if c.ClaimAfter <= 0 {
		c.ClaimAfter = DefaultClaimAfter
	}
	c.inFlight, c.slots = map[string]bool{}, make(chan struct{}, maxInFlight)
	block := min(c.ClaimAfter/2, 2*time.Second)
	var backoff time.Duration
	var lastClaim time.Time
	prepared := false
	for ctx.Err() == nil {
		err := func() error {
			if !prepared {
				if err := c.Intake.Prepare(ctx); err != nil {
					return err
				}
				prepared = true
			}
			if time.Since(lastClaim) >= c.ClaimAfter/2 {
				if err := c.Intake.Touch(ctx, c.Name, c.held()); err != nil {
					return err
				}
				stale, err := c.Intake.Claim(ctx, c.Name, c.ClaimAfter, 64)
				if err != nil {
					return err
				}
				lastClaim = time.Now()
				for _, entry := range stale {
					c.deliver(ctx, entry, true)
				}
			}
			fresh, err := c.readAfterHandled(ctx)
			if err != nil {
				return err
			}
			if len(fresh) == 0 {
				if fresh, err = c.Intake.Read(ctx, c.Name, block, 64); err != nil {
					return err
				}
			}
			for _, entry := range fresh {
				c.deliver(ctx, entry, false)
			}
			if len(fresh) > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(readLinger):
				}
			}
			return nil
		}()
		if err == nil {
			backoff = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		// A Redis that restarted empty has lost the group: create it again.
		prepared = false
		backoff = min(max(2*backoff, 100*time.Millisecond), maxPollBackoff)
		c.Log.Warn("reading the intake failed; trying again", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// deliver hands one entry on, unless this process already holds it (a
// claim returns this consumer's own entries too once they are idle).
func (c *Consumer) deliver(ctx context.Context, entry store.IntakeEntry, claimed bool) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return // still pending: the next start or another replica takes it
	}
	c.mu.Lock()
	if c.inFlight[entry.ID] {
		c.mu.Unlock()
		<-c.slots
		return
	}
	c.inFlight[entry.ID] = true
	c.mu.Unlock()
	upd, id, err := Decode(entry.Update)
	if err != nil {
		c.Skip(id, err)
		c.ack(store.Handled{EntryID: entry.ID})
		return
	}
	if claimed {
		c.Log.Info("update taken over from a replica that did not finish it", "update", id)
	}
	done := store.Handled{EntryID: entry.ID, UpdateID: upd.ID}
	if chat, private := PrivateChat(upd); private {
		done.Chat = chat
	}
	if !c.Handle(upd, func() { c.ack(done) }) {
		c.release(entry.ID)
	}
}

// ack queues a handled entry's acknowledgement (and the clearing of its
// inbound note): the next read carries it, or a flush ackLinger later.
// If it fails the entry is claimed again after ClaimAfter and handled
// twice: better than never.
func (c *Consumer) ack(done store.Handled) {
	c.mu.Lock()
	c.handled = append(c.handled, done)
	start := !c.flushing
	c.flushing = true
	c.mu.Unlock()
	if start {
		time.AfterFunc(ackLinger, c.flush)
	}
}

// takeHandled takes the entries waiting to be acknowledged.
func (c *Consumer) takeHandled() []store.Handled {
	c.mu.Lock()
	defer c.mu.Unlock()
	batch := c.handled
	c.handled = nil
	return batch
}

// flush acknowledges what waits, when no read came to carry it.
func (c *Consumer) flush() {
	c.mu.Lock()
	batch := c.handled
	c.handled, c.flushing = nil, false
	c.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := c.Intake.AckAll(context.Background(), batch); err != nil {
		c.Log.Warn("acknowledging handled updates failed; they may be handled again", "err", err, "updates", len(batch))
	}
	c.released(batch)
}

// readAfterHandled acknowledges what waits and reads what came, without
// waiting, in one round trip.
func (c *Consumer) readAfterHandled(ctx context.Context) ([]store.IntakeEntry, error) {
	batch := c.takeHandled()
	if len(batch) == 0 {
		return nil, nil
	}
	fresh, err := c.Intake.ReadAfter(ctx, c.Name, batch, 64)
	if err != nil {
		// Acknowledged or not, they are tried again (XACK is idempotent).
		c.mu.Lock()
		c.handled = append(c.handled, batch...)
		c.mu.Unlock()
		return nil, err
	}
	c.released(batch)
	return fresh, nil
}

// released forgets a batch of acknowledged entries.
func (c *Consumer) released(batch []store.Handled) {
	for _, done := range batch {
		c.release(done.EntryID)
	}
}

// release forgets an entry this process no longer holds.
func (c *Consumer) release(entryID string) {
	c.mu.Lock()
	delete(c.inFlight, entryID)
	c.mu.Unlock()
	<-c.slots
}

// held lists the entries this process holds, for Touch.
func (c *Consumer) held() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]string, 0, len(c.inFlight))
	for id := range c.inFlight {
		ids = append(ids, id)
	}
	return ids
}

// PrivateChat is the chat of a private message or its edit: the updates
// the webhook notes as inbound in their chat (store.Intake.AddNoted) until
// they are handled.
func PrivateChat(upd *models.Update) (int64, bool) {
	switch {
	case upd.Message != nil && upd.Message.Chat.Type == models.ChatTypePrivate:
		return upd.Message.Chat.ID, true
	case upd.EditedMessage != nil && upd.EditedMessage.Chat.Type == models.ChatTypePrivate:
		return upd.EditedMessage.Chat.ID, true
	}
	return 0, false
}
