package private

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// Bursts live in Redis (store/burst.go): a message is added to its chat's
// burst, which is due once the chat has been quiet for BurstWindow. Every
// replica polls the due-set (RunBursts); the one whose claim wins stores
// the burst's messages in the conversation in Telegram's order, classifies
// them and answers, and the burst is closed once the answer is stored in
// the send queue (in Redis, sent by any replica). A replica that dies holding a claim loses it after ClaimAfter,
// and another replica (or this one, restarted) answers the burst.

// pollBounds keep the due-set's polling between busy and late.
const (
	minPoll = 20 * time.Millisecond
	maxPoll = 500 * time.Millisecond
)

// RunBursts answers due bursts until ctx ends: any replica's, as they come
// due, and those of replicas that died answering them.
func (b *Chats) RunBursts(ctx context.Context) {
	ticker := time.NewTicker(min(max(b.burstWindow/4, minPoll), maxPoll))
	defer ticker.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		due, err := b.Store.DueBursts(ctx, time.Now(), 256)
		if err != nil {
			if !failing && ctx.Err() == nil {
				b.Degrade("store", err) // once per failing spell, not per tick
			}
			failing = true
			continue
		}
		failing = false
		for _, d := range due {
			b.claimOnLane(d.Chat, d.Score, false)
		}
	}
}

// claimOnLane tries to claim and answer chat's burst on the chat's lane,
// in order with its updates; a chat already waiting for that is not
// queued twice. seen is the due-set's score for it (0 when none).
func (b *Chats) claimOnLane(chat int64, seen float64, force bool) {
	if _, queued := b.claiming.LoadOrStore(chat, true); queued {
		return
	}
	if !b.schedule(chat, func() {
		defer b.claiming.Delete(chat)
		b.answerBurst(chat, seen, force)
	}) {
		b.claiming.Delete(chat)
	}
}

// staleInbound is how long an update noted as on its way (stored by the
// webhook, not handled yet) holds its chat's burst back: longer than a
// dead replica's updates take to be claimed by another.
func (b *Chats) staleInbound() time.Duration { return 2*b.claimAfter + b.burstWindow }

// answerBurst claims chat's burst if it is due (or force) and answers it.
func (b *Chats) answerBurst(chat int64, seen float64, force bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	claim := store.BurstClaim{Token: conversation.RandomToken(), Quiet: b.burstWindow, Lease: b.claimAfter,
		Stale: b.staleInbound(), Force: force, Fold: true}
	claimed, ok, err := b.Store.ClaimBurst(ctx, chat, seen, claim)
	if err != nil {
		// Past a claim, only the due-set's safety net failed: answer.
		b.Degrade("store", err)
	}
	if !ok {
		return
	}
	b.Metrics.BurstClaims.Inc()
	if claimed.Redelivered {
		b.Metrics.BurstRedeliveries.Inc()
	}
	release := b.keepClaim(claimed)
	br, err := b.fold(ctx, claimed)
	if err != nil {
		release()
	}
	if errors.Is(err, store.ErrBurstLost) {
		b.Log.Info("burst taken over or forgotten while being answered; not answered here", "chat", chat)
		return
	}
	if err != nil {
		// Tried again at the next look, by any replica.
		b.Degrade("store", err)
		if err := b.Store.AbandonBurst(ctx, claimed); err != nil {
			b.Log.Warn("giving a burst's claim back failed; it is tried again when the lease ends", "chat", chat, "err", err)
		}
		return
	}
	br.stopRenewing = release
	b.answer(ctx, chat, br, liveQuotes(br.verdict, br.live))
}

// fold stores the claimed burst's messages in the conversation, in
// Telegram's order, and returns what the answer needs.
func (b *Chats) fold(ctx context.Context, claimed store.Burst) (*burst, error) {
	br := &burst{live: map[int]string{}, claimed: &claimed, received: time.Now()}
	// One append and one save per chunk (the whole burst, unless it is
	// longer than half the window); the claim stored the first chunk
	// already, and read the last answer.
	folded := claimed.Folded
	if folded != nil {
		br.last, br.lastRead = folded.LastAnswer, !folded.LastAnswerUnread
		br.guardians, br.guardiansRead = folded.Guardians, folded.GuardiansRead
	}
	for chunk := range slices.Chunk(claimed.Messages, b.Store.BurstAppendLimit()) {
		entries := make([]store.Entry, len(chunk))
		for i, m := range chunk {
			entries[i] = m.Entry
		}
		var verdict classifier.Verdict
		var conv store.Conversation
		var seqs []int64
		var err error
		switch {
		case folded != nil && len(folded.Seqs) == len(chunk) && len(claimed.Messages) == len(chunk):
			// The whole burst, folded by the claim: its state is saved
			// with the answer (finishClaimed).
			seqs, conv = folded.Seqs, folded.Conversation
			verdict, br.snapshot, err = b.ClassifyUnsaved(ctx, claimed.Chat, entries, seqs, conv)
			br.resave = func(ctx context.Context) error {
				_, _, err := b.ClassifyFolded(ctx, claimed.Chat, entries, seqs, conv)
				return err
			}
		case folded != nil && len(folded.Seqs) == len(chunk):
			seqs = folded.Seqs
			verdict, conv, err = b.ClassifyFolded(ctx, claimed.Chat, entries, seqs, folded.Conversation)
		default:
			verdict, conv, seqs, err = b.RecordBurst(ctx, claimed.Chat, entries, claimed.Claim)
		}
		folded = nil
		if err != nil {
			return nil, err
		}
		br.verdict, br.settings, br.window = verdict, conv.Settings, conv.Window
		for i, m := range chunk {
			// Quotes come from the words as received, never from storage
			// (which keeps them redacted).
			br.live[int(seqs[i]-1)] = m.Entry.Text
			br.replyTo, br.user, br.userLang = m.ReplyTo, m.User, m.UserLang
			br.screenshots = br.screenshots || m.Screenshot
		}
	}
	return br, nil
}

// maxHold bounds how long a live replica keeps renewing a claim whose
// answer never reached the send queue: after it, the claim lapses and the
// burst is answered again.
const maxHold = 5 * time.Minute

// keepClaim renews claimed's lease every third of it until stop is called
// (the burst was closed, or its answer refused), the claim is lost, or
// maxHold passed.
func (b *Chats) keepClaim(claimed store.Burst) (stop func()) {
	done := make(chan struct{})
	go func() {
		ticker := time.NewTicker(max(b.claimAfter/3, time.Millisecond))
		defer ticker.Stop()
		give := time.After(maxHold)
		for {
			select {
			case <-done:
				return
			case <-give:
				return
			case <-ticker.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), b.claimAfter/3+time.Second)
			err := b.Store.RenewBurst(ctx, claimed, b.claimAfter)
			cancel()
			if errors.Is(err, store.ErrBurstLost) {
				return
			}
			if err != nil {
				b.Degrade("store", err)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

// closer closes br's claimed burst once: after the answer was stored in
// the send queue (a replica that dies before that leaves the burst to be
// answered again). Until then its claim is renewed.
func (b *Chats) closer(br *burst) func() {
	if br.claimed == nil {
		return func() {}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			br.release()
			if !br.claimed.FirstArrived.IsZero() {
				b.Metrics.BurstLag.Observe(time.Since(br.claimed.FirstArrived).Seconds())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := b.Store.CloseBurst(ctx, *br.claimed, b.burstWindow); err != nil {
				b.Log.Warn("closing an answered burst failed; it may be answered again", "chat", br.claimed.Chat, "err", err)
			}
		})
	}
}

// burstOpen reports whether chat has a burst waiting for its answer.
func (b *Chats) burstOpen(ctx context.Context, chat int64) bool {
	if b.bursts.peek(chat) != nil {
		return true
	}
	n, err := b.Store.BurstSize(ctx, chat)
	if err != nil {
		b.Degrade("store", err)
	}
	return n > 0
}

// answerPending answers chat's open burst now (the user reported a loss:
// its answer comes first). It runs on the chat's lane.
func (b *Chats) answerPending(chat int64) {
	b.flush(chat, 0, true)
	b.answerBurst(chat, 0, true)
}

// editInBurst replaces an edited message that still waits in its chat's
// burst and reports whether it did; the burst's answer covers the edit.
func (b *Chats) editInBurst(ctx context.Context, msg *models.Message) bool {
	text := conversation.MessageText(msg)
	if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "/") {
		return false
	}
	entry := conversation.MessageEntry(msg, text, speakerOf(msg))
	entry.Hidden = forwardedFromHidden(msg)
	queued := store.BurstMessage{Order: store.BurstOrder(msg.ID, 0), Entry: entry, ReplyTo: msg.ID}
	if msg.From != nil {
		queued.User, queued.UserLang = msg.From.ID, msg.From.LanguageCode
	}
	edited, err := b.Store.EditInBurst(ctx, msg.Chat.ID, queued)
	if err != nil {
		b.Degrade("store", err)
	}
	return edited
}
