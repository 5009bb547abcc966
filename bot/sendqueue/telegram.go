package sendqueue

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// botAPI makes a stored call as it was stored: its parameters go to
// Telegram as the JSON they were queued as (multipart when a file is
// uploaded), so nothing is lost between the replica that queued a message
// and the one that sends it.
type botAPI struct {
	url, token string
	client     *http.Client
}

// apiResponse is the Bot API's envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// call makes rec's call and returns the message Telegram sent or edited
// (nil when the method answers something else).
func (a botAPI) call(ctx context.Context, rec record) (*models.Message, error) {
	body, contentType, err := a.body(rec)
	if err != nil {
		return nil, &refused{code: 0, description: err.Error()}
	}
	url := strings.TrimRight(a.url, "/") + "/bot" + a.token + "/" + rec.Method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, &refused{description: err.Error()}
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := a.client.Do(req)
	if err != nil {
		// The URL holds the token: name the method only.
		return nil, fmt.Errorf("call %s: %w", rec.Method, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	var answer apiResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err != nil {
		return nil, fmt.Errorf("call %s: HTTP %d, undecodable answer: %w", rec.Method, resp.StatusCode, err)
	}
	if !answer.OK {
		code := answer.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		switch {
		case code == http.StatusTooManyRequests:
			retry := 0
			if answer.Parameters != nil {
				retry = answer.Parameters.RetryAfter
			}
			return nil, &tooManyRequests{retryAfter: retry, description: answer.Description}
		case code >= 500:
			return nil, fmt.Errorf("call %s: %d %s", rec.Method, code, answer.Description)
		}
		return nil, &refused{code: code, description: answer.Description}
	}
	var sent models.Message
	if json.Unmarshal(answer.Result, &sent) != nil || sent.ID == 0 {
		return nil, nil // editMessage… of an inline message answers true
	}
	return &sent, nil
}

// body encodes rec's parameters: JSON, or multipart with its upload.
func (a botAPI) body(rec record) (io.Reader, string, error) {
	if rec.Upload == nil {
		return bytes.NewReader(rec.Params), "application/json", nil
	}
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(rec.Params, &fields); err != nil {
		return nil, "", fmt.Errorf("parameters of %s: %w", rec.Method, err)
	}
	var buf bytes.Buffer
	form := multipart.NewWriter(&buf)
	for name, raw := range fields {
		value := string(raw)
		var text string
		if json.Unmarshal(raw, &text) == nil {
			value = text
		}
		if err := form.WriteField(name, value); err != nil {
			return nil, "", err
		}
	}
	file, err := form.CreateFormFile(rec.Upload.Field, rec.Upload.Filename)
	if err != nil {
		return nil, "", err
	}
	if _, err := file.Write(rec.Upload.Data); err != nil {
		return nil, "", err
	}
	if err := form.Close(); err != nil {
		return nil, "", err
	}
	return &buf, form.FormDataContentType(), nil
}

// tooManyRequests is Telegram's 429: hold every send for retryAfter
// seconds.
type tooManyRequests struct {
	retryAfter  int
	description string
}

func (e *tooManyRequests) Error() string {
	return fmt.Sprintf("429 %s (retry after %d s)", e.description, e.retryAfter)
}

// refused is a 4xx other than 429 (blocked by the user, a bad request, a
// chat migrated): trying again would get the same answer.
type refused struct {
	code        int
	description string
}

func (e *refused) Error() string { return fmt.Sprintf("%d %s", e.code, e.description) }

// retryAfter says whether err can be retried and after how long: 429 after
// the retry_after Telegram gave; 5xx and network errors after backoff;
// other 4xx (blocked by the user, bad request) never.
func retryAfter(err error, backoff time.Duration) (time.Duration, bool) {
	var tooMany *tooManyRequests
	if errors.As(err, &tooMany) {
		pause := time.Duration(tooMany.retryAfter) * time.Second
		if pause <= 0 {
			pause = time.Second
		}
		return min(pause, maxRetryAfter), true
	}
	var final *refused
	if errors.As(err, &final) {
		return 0, false
	}
	return min(backoff, maxBackoff), true
}
