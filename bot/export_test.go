package bot

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	dto "github.com/prometheus/client_model/go"

	"github.com/scamguard/scamguard/bot/transport"
)

// SetBeforeHandle makes tests able to run code (a panic) at the start of
// every handled update.
func (b *Bot) SetBeforeHandle(hook func(*models.Update)) { b.beforeHandle = hook }

// HandleRaw decodes one raw update as the poll loop does and, when it
// decodes, handles it on the caller's goroutine (not on its chat's lane)
// under a fresh update id, so that a fuzzer's mutations are never taken
// for duplicates. It reports whether the update decoded and whether its
// handler panicked (handle recovers, and counts the panic).
func (b *Bot) HandleRaw(raw []byte) (decoded, panicked bool) {
	upd, id, err := transport.Decode(raw)
	if err != nil {
		b.skipUpdate(id, err)
		return false, false
	}
	upd.ID = rawUpdateIDs.Add(1)
	chat, _ := transport.Route(upd)
	if chat == 0 {
		return true, false
	}
	before := b.panicCount()
	b.handle(chat, upd, time.Now())
	return true, b.panicCount() > before
}

func (b *Bot) panicCount() float64 {
	var m dto.Metric
	_ = b.room.Metrics.Panics.Write(&m) // a counter always writes
	return m.GetCounter().GetValue()
}

// rawUpdateIDs numbers HandleRaw's updates far above the fake's own.
var rawUpdateIDs atomic.Int64

func init() { rawUpdateIDs.Store(1 << 40) }

// StoreUpdate puts upd in the durable intake as the webhook does, so that
// a webhook-mode test's marker queues behind the updates posted before it.
func (b *Bot) StoreUpdate(upd *models.Update) error {
	raw, err := json.Marshal(upd)
	if err != nil {
		return err
	}
	_, err = b.room.Store.Intake().Add(context.Background(), upd.ID, raw)
	return err
}
