package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// intake is what /healthz reads about receiving updates.
type intake struct {
	// mode is "polling" or "webhook"; empty before Run.
	mode atomic.Value
	// lastOK is when getUpdates last answered (unix ns); failingSince when
	// the polls started failing, 0 while they succeed.
	lastOK       atomic.Int64
	failingSince atomic.Int64
	// offset is the next update id asked for.
	offset atomic.Int64
}

// stalled reports whether polling has not read anything for longer than
// after: every getUpdates since then failed, so updates that may be
// pending are not reaching the bot and the offset does not advance. A poll
// that succeeds either returns updates (and the offset advances) or
// returns none (nothing is pending).
func (in *intake) stalled(now time.Time, after time.Duration) bool {
	since := in.failingSince.Load()
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

// poll long-polls getUpdates until ctx ends, handing every update that
// decodes to HandleUpdate.
func (b *Bot) poll(ctx context.Context) {
	client := &http.Client{Timeout: b.cfg.PollTimeout + 15*time.Second}
	var backoff time.Duration
	for ctx.Err() == nil {
		raws, err := b.getUpdates(ctx, client, b.intake.offset.Load())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			now := time.Now().UnixNano()
			b.intake.failingSince.CompareAndSwap(0, now)
			backoff = min(max(2*backoff, 100*time.Millisecond), maxPollBackoff)
			var retry retryAfterError
			if errors.As(err, &retry) {
				backoff = max(backoff, time.Duration(retry))
			}
			b.log.Warn("getUpdates failed; polling again", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		b.intake.lastOK.Store(time.Now().UnixNano())
		b.intake.failingSince.Store(0)
		for _, raw := range raws {
			upd, id, err := decodeUpdate(raw)
			if id >= b.intake.offset.Load() {
				b.intake.offset.Store(id + 1)
			}
			if err != nil {
				b.skipUpdate(id, err)
				continue
			}
			b.HandleUpdate(upd)
		}
	}
}

// skipUpdate logs and counts an update that could not be decoded. The
// error names the field and the type, never the update's text.
func (b *Bot) skipUpdate(id int64, err error) {
	b.metrics.poison.WithLabelValues("decode").Inc()
	b.log.Warn("update skipped: cannot decode it", "update", id, "err", err)
}

// decodeUpdate decodes one update. id is its update_id whenever that can
// be read, even when the rest does not decode, so that the offset moves
// past it; -1 when not even that can be read.
func decodeUpdate(raw []byte) (*models.Update, int64, error) {
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
func (b *Bot) getUpdates(ctx context.Context, client *http.Client, offset int64) ([]json.RawMessage, error) {
	params := map[string]any{
		"timeout":         max(int(b.cfg.PollTimeout.Seconds())-1, 0),
		"allowed_updates": allowedUpdates,
	}
	if offset > 0 {
		params["offset"] = offset
	}
	body, _ := json.Marshal(params) // a map of ints and strings always encodes
	endpoint := strings.TrimRight(b.cfg.APIURL, "/") + "/bot" + b.cfg.Token + "/getUpdates"
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
