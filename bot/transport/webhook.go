package transport

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"net/url"

	"github.com/go-telegram/bot/models"
)

// maxUpdateBytes bounds a webhook request body; Telegram's updates are far
// smaller, and a stranger's request must not cost memory.
const maxUpdateBytes = 1 << 20

// DefaultWebhookPath is where updates are received when the webhook URL
// has no path of its own.
const DefaultWebhookPath = "/telegram/webhook"

// WebhookPath is the path part of the webhook URL.
func WebhookPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" || u.Path == "/" {
		return DefaultWebhookPath
	}
	return u.Path
}

// Webhook takes updates from Telegram over HTTP and answers 200 only once
// an update is stored (Store, the durable intake): until then Telegram
// holds it and, on a 5xx, sends it again, so a process that dies after
// answering loses nothing. A request without the secret token Telegram was
// given is refused with 401 before its body is read; a malformed body gets
// 400 (Telegram does not retry 4xx, and a forged one deserves no retry).
type Webhook struct {
	// Secret is the secret token Telegram sends with every update.
	Secret string
	// Store keeps one update (decoded, and its raw JSON) durably, or
	// fails; stored is false for an update it already had (a retry).
	Store func(ctx context.Context, upd *models.Update, raw []byte) (stored bool, err error)
	// Skip: as Poller's.
	Skip func(id int64, err error)
	// Refused is called for a request without the right secret; Failed
	// when an update could not be stored (the answer is 503).
	Refused func()
	Failed  func(id int64, err error)
}

// ServeHTTP takes one update.
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(wh.Secret)) != 1 || wh.Secret == "" {
		wh.Refused()
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "update too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	upd, id, err := Decode(body)
	switch {
	case err != nil && id < 0:
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	case err != nil:
		// An update Telegram sent that this code cannot read: skipped and
		// acknowledged, or Telegram would send it again and again.
		wh.Skip(id, err)
	default:
		if _, err := wh.Store(r.Context(), upd, body); err != nil {
			wh.Failed(id, err)
			http.Error(w, "update not stored; send it again", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
