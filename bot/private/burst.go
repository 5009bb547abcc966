package private

import (
	"context"
	"sync"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// burst is what a chat sent since the bot last answered it: forwarded
// messages arrive one update each, a second or so apart, and the user wants
// one answer for the lot. The burst itself lives in the store (due.go);
// this is what its answer needs, built by the replica that claimed it. The
// in-memory bursts below hold the bursts gathered while the store fails.
type burst struct {
	// claimed is the store's burst being answered; nil for a burst
	// gathered in memory or an edit's answer.
	claimed *store.Burst
	// stopRenewing stops renewing the claim (due.go); nil without one.
	stopRenewing func()
	// gen counts the burst's messages; a timer that fires for an older
	// generation was overtaken by a newer message.
	gen   uint64
	timer *time.Timer
	// verdict covers the whole conversation up to the burst's last message.
	verdict classifier.Verdict
	// replyTo is the burst's last message: the answer replies to it.
	replyTo  int
	user     int64
	userLang string
	settings store.Settings
	// settingsChanged: the answer changed settings (consent or region
	// asked) that its finishing pipeline writes (finishClaimed).
	settingsChanged bool
	// window is the stored conversation (redacted) as of the last message.
	window []store.Entry
	// live holds the burst's messages as received, by message index, so
	// that the answer quotes them (liveQuotes); they are never stored.
	live map[int]string
	// fallback holds the burst's messages while the store is failing, so
	// the burst is still judged as a whole.
	fallback []classifier.Message
	degraded bool
	// screenshots is set when the burst brought turns read from
	// screenshots: the answer starts with what was read (media.go).
	screenshots bool
	// received is when the burst's last update arrived.
	received time.Time
	// last is the chat's latest answer as the claim read it (the blob
	// store.Store.Answer returns; nil when there is none), when lastRead;
	// otherwise the answer reads it.
	last     []byte
	lastRead bool
	// guardians are the user's guardians as the claim read them, when
	// guardiansRead; otherwise the alert reads them.
	guardians     []store.GuardianLink
	guardiansRead bool
	// snapshot is the classifier's state that folds a claimed burst,
	// saved with its answer (nil when saved already); resave folds and
	// saves it the long way, when another writer saved first.
	snapshot *store.Snapshot
	resave   func(ctx context.Context) error
}

// release stops renewing br's claim, if it has one.
func (br *burst) release() {
	if br.stopRenewing != nil {
		br.stopRenewing()
	}
}

// bursts are the open bursts by chat. Lane jobs of different chats and
// timer callbacks reach them concurrently.
type bursts struct {
	mu     sync.Mutex
	byChat map[int64]*burst
}

func newBursts() *bursts { return &bursts{byChat: make(map[int64]*burst)} }

// open returns chat's open burst, starting one if there is none. Only the
// chat's lane calls it, so the burst it returns is the lane's to change.
func (bs *bursts) open(chat int64) *burst {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b, ok := bs.byChat[chat]
	if !ok {
		b = &burst{}
		bs.byChat[chat] = b
	}
	return b
}

// peek returns chat's open burst or nil.
func (bs *bursts) peek(chat int64) *burst {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.byChat[chat]
}

// take closes chat's burst and returns it, when gen is its current
// generation or force is set; otherwise nil (a newer message re-armed it).
func (bs *bursts) take(chat int64, gen uint64, force bool) *burst {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b, ok := bs.byChat[chat]
	if !ok || (!force && b.gen != gen) {
		return nil
	}
	if b.timer != nil {
		b.timer.Stop()
	}
	delete(bs.byChat, chat)
	return b
}

// drop discards chat's burst unanswered (/new, /forget).
func (bs *bursts) drop(chat int64) { bs.take(chat, 0, true) }

// chats lists the chats with an open burst.
func (bs *bursts) chats() []int64 {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	chats := make([]int64, 0, len(bs.byChat))
	for chat := range bs.byChat {
		chats = append(chats, chat)
	}
	return chats
}
