package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

// The bot polls getUpdates itself instead of through go-telegram/bot's
// Start: the library decodes a whole batch into []*models.Update, so one
// update it cannot decode (say, "entities" sent as a string) fails every
// poll at the same offset, forever, and nothing after it is ever read. Here
// each update is decoded on its own; one that does not decode is logged,
// counted and skipped, and the offset always moves past what was received.

// maxPollBackoff bounds the pause after failed polls.
const maxPollBackoff = 5 * time.Second

// maxPollBytes bounds one getUpdates answer: 100 updates are far smaller.
const maxPollBytes = 64 << 20

// Poller long-polls getUpdates and hands every update that decodes to
// Handle, and every one that does not to Skip. It also keeps what /healthz
// reads about receiving updates.
type Poller struct {
	// APIURL and Token address the Bot API; Timeout is the long-polling
	// timeout of getUpdates.
	APIURL  string
	Token   string
	Timeout time.Duration
	Log     *slog.Logger
	// Handle takes a decoded update; it must return at once (queue it).
	Handle func(*models.Update)
	// Skip takes the id of an update that did not decode (-1 when not
	// even its id could be read) and why.
	Skip func(id int64, err error)

	// lastOK is when getUpdates last answered (unix ns); failingSince when
	// the polls started failing, 0 while they succeed.
	lastOK       atomic.Int64
	failingSince atomic.Int64
	// offset is the next update id asked for.
	offset atomic.Int64
}

// Stalled reports whether polling has not read anything for longer than
// after: every getUpdates since then failed, so updates that may be
// pending are not reaching the bot and the offset does not advance. A poll
// that succeeds either returns updates (and the offset advances) or
// returns none (nothing is pending).
func (p *Poller) Stalled(now time.Time, after time.Duration) bool {
	since := p.failingSince.Load()
	return since != 0 && now.Sub(time.Unix(0, since)) > after
}

// pollAnswer is the envelope of a Bot API answer, with the updates left
// undecoded so that each is decoded on its own.
type pollAnswer struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// LastOK is when getUpdates last answered; zero before it ever did.
func (p *Poller) LastOK() time.Time {
	if ok := p.lastOK.Load(); ok != 0 {
		return time.Unix(0, ok)
	}
	return time.Time{}
}

// Run long-polls getUpdates until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	client := &http.Client{Timeout: p.Timeout + 15*time.Second}
	var backoff time.Duration
	for ctx.Err() == nil {
		raws, err := p.getUpdates(ctx, client, p.offset.Load())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			now := time.Now().UnixNano()
			p.failingSince.CompareAndSwap(0, now)
			backoff = min(max(2*backoff, 100*time.Millisecond), maxPollBackoff)
			var retry retryAfterError
			if errors.As(err, &retry) {
				backoff = max(backoff, time.Duration(retry))
			}
			p.Log.Warn("getUpdates failed; polling again", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		p.lastOK.Store(time.Now().UnixNano())
		p.failingSince.Store(0)
		for _, raw := range raws {
			upd, id, err := Decode(raw)
			if id >= p.offset.Load() {
				p.offset.Store(id + 1)
			}
			if err != nil {
				p.Skip(id, err)
				continue
			}
			p.Handle(upd)
		}
	}
}

// Decode decodes one update. id is its update_id whenever that can
// be read, even when the rest does not decode, so that the offset moves
// past it; -1 when not even that can be read.
func Decode(raw []byte) (*models.Update, int64, error) {
	var head struct {
		ID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, -1, fmt.Errorf("read update_id: %w", err)
	}
	var upd models.Update
	if err := json.Unmarshal(raw, &upd); err != nil {
		return nil, head.ID, fmt.Errorf("decode update %d: %w", head.ID, err)
	}
	return &upd, head.ID, nil
}

// retryAfterError is a 429 answer's retry_after.
type retryAfterError time.Duration

func (e retryAfterError) Error() string {
	return fmt.Sprintf("too many requests, retry after %v", time.Duration(e))
}

// getUpdates asks for the updates from offset on and returns them
// undecoded.
func (p *Poller) getUpdates(ctx context.Context, client *http.Client, offset int64) ([]json.RawMessage, error) {
	params := map[string]any{
		"timeout":         max(int(p.Timeout.Seconds())-1, 0),
		"allowed_updates": AllowedUpdates,
	}
	if offset > 0 {
		params["offset"] = offset
	}
	body, _ := json.Marshal(params) // a map of ints and strings always encodes
	endpoint := strings.TrimRight(p.APIURL, "/") + "/bot" + p.Token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: build request: %w", withoutURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPollBytes))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: read answer: %w", withoutURL(err))
	}
	var answer pollAnswer
	if err := json.Unmarshal(data, &answer); err != nil {
		return nil, fmt.Errorf("getUpdates: HTTP %d, answer is not the Bot API's: %w", resp.StatusCode, err)
	}
	if !answer.OK {
		if answer.ErrorCode == http.StatusTooManyRequests && answer.Parameters.RetryAfter > 0 {
			return nil, retryAfterError(time.Duration(answer.Parameters.RetryAfter) * time.Second)
		}
		return nil, fmt.Errorf("getUpdates: %d %s", answer.ErrorCode, answer.Description)
	}
	return answer.Result, nil
}

// withoutURL drops the request URL from an HTTP client error: it holds the
// bot token, and errors end up in logs.
func withoutURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("%s: %w", urlErr.Op, urlErr.Err)
	}
	return err
}
